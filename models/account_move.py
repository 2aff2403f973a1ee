# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

#: Customer invoices and credit notes: vendor bills are not sent to the vendor.
SENT_MOVE_TYPES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "mail.document.send.mixin"]
    _mail_document_send_template = "mail_document_send.mail_template_account_move"
    _mail_document_send_amount_fields = ("amount_total", "amount_untaxed", "amount_tax", "amount_residual")
    _mail_document_send_date_fields = ("invoice_date", "invoice_date_due")
    _mail_document_send_user_field = "invoice_user_id"

    def _mail_document_send_applies(self):
        return all(move.move_type in SENT_MOVE_TYPES for move in self)

    def _mail_document_send_subscribe_customer(self):
        # Leave the followers of vendor bills and journal entries alone.
        return super(
            AccountMove, self.filtered(lambda move: move.move_type in SENT_MOVE_TYPES)
        )._mail_document_send_subscribe_customer()

    def _get_mail_template(self):
        # One translated template for invoices and credit notes.
        template = self.env.ref(self._mail_document_send_template, raise_if_not_found=False)
        if template and self._mail_document_send_applies():
            return template
        return super()._get_mail_template()

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        # Here and not in the mixin: mail.thread comes after the mixin in
        # the method resolution order, its version would win.
        recipients_data = super()._notify_get_recipients(message, msg_vals, **kwargs)
        return self._mail_document_send_exact_recipients(recipients_data, message, msg_vals)

    def _get_invoice_report_filename(self, extension="pdf"):
        # Names the PDF attached to the email and the stored legal PDF
        # alike ("Invoice - INV_2026_00001.pdf"), so the two stay the same.
        self.ensure_one()
        if self.move_type not in SENT_MOVE_TYPES:
            return super()._get_invoice_report_filename(extension=extension)
        return "%s.%s" % (self.mail_document_send_filename(), extension)

    def mail_document_send_kind(self):
        self.ensure_one()
        return self.env._("Credit Note") if self.move_type == "out_refund" else self.env._("Invoice")

    def _mail_document_send_number(self):
        self.ensure_one()
        return self.name if self.name and self.name != "/" else self.env._("Draft")
