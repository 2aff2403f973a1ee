# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "mail.document.send.mixin"]
    _mail_document_send_template = "mail_document_send.mail_template_sale_order"
    _mail_document_send_date_fields = ("validity_date",)

    def _find_mail_template(self):
        # One translated template for quotations and orders, instead of
        # stock's quotation template and confirmation template.
        template = self.env.ref(self._mail_document_send_template, raise_if_not_found=False)
        return template or super()._find_mail_template()

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        # Here and not in the mixin: mail.thread comes after the mixin in
        # the method resolution order, its version would win.
        recipients_data = super()._notify_get_recipients(message, msg_vals, **kwargs)
        return self._mail_document_send_exact_recipients(recipients_data, message, msg_vals)

    def mail_document_send_kind(self):
        self.ensure_one()
        if self.env.context.get("proforma"):
            return self.env._("Pro-forma")
        if self.state in ("draft", "sent", "cancel"):
            return self.env._("Quotation")
        return self.env._("Order")

    def _mail_document_send_mark_sent(self):
        # What stock's Send button does through mark_so_as_sent: a send from
        # the list (mass_mail composer) knows nothing about it.
        self.filtered(lambda order: order.state == "draft").with_context(tracking_disable=True).write(
            {"state": "sent"}
        )
