# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models

from ..delivery.filename import safe_filename


class AccountInvoice(models.Model):
    _name = "account.invoice"
    _inherit = ["account.invoice", "mail.document.send.mixin"]
    _mail_document_send_template = "mail_document_send.mail_template_account_invoice"

    # Stock Odoo subscribes the customer only on validation; a draft invoice
    # can be sent too, and the composer takes its recipients from the
    # followers, so the customer follows the invoice as soon as it exists.
    @api.model
    def create(self, vals):
        invoice = super().create(vals)
        invoice._subscribe_customer()
        return invoice

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if vals.get("partner_id"):
            self._subscribe_customer()
        return res

    @api.multi
    def _subscribe_customer(self):
        # Vendor bills are not sent to the vendor: leave their followers alone.
        for invoice in self.filtered(lambda inv: inv.type in ("out_invoice", "out_refund")):
            invoice.message_subscribe(partner_ids=invoice.partner_id.ids)

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
