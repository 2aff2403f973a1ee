# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models

from ..delivery.filename import safe_filename


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "mail.document.send.mixin"]
    _mail_document_send_template = "mail_document_send.mail_template_sale_order"

    @api.multi
    def action_quotation_send(self):
        return self._mail_document_send_action(super().action_quotation_send())

    @api.multi
    def _mail_document_send_filename(self):
        kind = _("Quotation") if self.state in ("draft", "sent", "cancel") else _("Order")
        return safe_filename("%s - %s" % (kind, self.name))

    @api.multi
    def _mail_document_send_mark_sent(self):
        # Same as stock's Send button: a draft quotation becomes "sent".
        self.filtered(lambda order: order.state == "draft").with_context(tracking_disable=True).write(
            {"state": "sent"}
        )
