# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models

from ..delivery.filename import safe_filename


class AccountInvoice(models.Model):
    _name = "account.invoice"
    _inherit = ["account.invoice", "mail.document.send.mixin"]
    _mail_document_send_template = "mail_document_send.mail_template_account_invoice"

    @api.multi
    def _mail_document_send_subscribe_customer(self):
        # Vendor bills are not sent to the vendor: leave their followers alone.
        return super(
            AccountInvoice, self.filtered(lambda invoice: invoice.type in ("out_invoice", "out_refund"))
        )._mail_document_send_subscribe_customer()

    @api.multi
    def action_invoice_sent(self):
        return self._mail_document_send_action(super().action_invoice_sent())

    @api.multi
    def _mail_document_send_filename(self):
        kind = _("Credit Note") if self.type in ("out_refund", "in_refund") else _("Invoice")
        return safe_filename("%s - %s" % (kind, self.number or _("Draft")))

    @api.multi
    def _mail_document_send_mark_sent(self):
        # Same as stock's Send button: the invoice is flagged sent.
        self.filtered(lambda invoice: not invoice.sent).write({"sent": True})
