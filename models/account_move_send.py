# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError

from .mail_document_send_mixin import EXACT_RECIPIENTS_KEY


class AccountMoveSend(models.AbstractModel):
    """Shared by the single invoice wizard and the list (batch) wizard, and
    used by the cron that sends a list in the background."""

    _inherit = "account.move.send"

    @api.model
    def _get_default_mail_partner_ids(self, move, mail_template, mail_lang):
        # The followers are the recipients, customer included, but neither
        # the sender nor, from the cron, the user who asked for the send.
        partners = super()._get_default_mail_partner_ids(move, mail_template, mail_lang)
        if not move._mail_document_send_applies():
            return partners
        author = self.env["res.partner"].browse((move.sending_data or {}).get("author_partner_id")).exists()
        return partners | move._mail_document_send_default_recipients(excluded=author)

    @api.model
    def _get_mail_default_field_value_from_template(self, mail_template, lang, move, field, **kwargs):
        # Stock's error quotes the template source; name the template and
        # the cause instead, as soon as it is applied.
        try:
            return super()._get_mail_default_field_value_from_template(
                mail_template, lang, move, field, **kwargs
            )
        except Exception as error:  # pylint: disable=broad-except
            if not move._mail_document_send_applies():
                raise
            raise UserError(move._mail_document_send_template_error(mail_template, error)) from error

    @api.model
    def _send_mail(self, move, mail_template, **kwargs):
        # The wizard's "To" is the whole audience: see
        # mail.document.send.mixin._mail_document_send_exact_recipients.
        if move._mail_document_send_applies():
            move = move.with_context(**{EXACT_RECIPIENTS_KEY: True})
        return super()._send_mail(move, mail_template, **kwargs)

    @api.model
    def _mail_document_send_problems(self, move, move_data):
        """Every reason not to send `move` with `move_data` (the sending
        settings of the wizard or the defaults of a list send)."""
        if "email" not in (move_data.get("sending_methods") or []) or not move._mail_document_send_applies():
            return []
        partners = self.env["res.partner"].browse(move_data.get("mail_partner_ids") or [])
        problems = []
        if not partners:
            problems.append(self.env._("There is no recipient."))
        problems += move._mail_document_send_recipient_problems(partners)
        problems += move._mail_document_send_subject_problems(move_data.get("mail_subject"))
        template = move_data.get("mail_template")
        if template:
            problems += move.with_context(
                lang=move_data.get("mail_lang")
            )._mail_document_send_template_problems(template)
        attachment_ids = []
        for data in move_data.get("mail_attachments_widget") or []:
            if data.get("skip"):
                continue
            try:
                attachment_ids.append(int(data["id"]))
            except (KeyError, TypeError, ValueError):
                # A placeholder for the PDF generated at send.
                continue
        attachments = self.env["ir.attachment"].browse(attachment_ids).exists() | move.invoice_pdf_report_id
        problems += move._mail_document_send_size_problems(attachments.mapped("file_size"))
        return problems

    @api.model
    def _mail_document_send_check(self, moves_data):
        """Raise one error listing every problem of every document."""
        problems = []
        for move, move_data in moves_data.items():
            move_problems = self._mail_document_send_problems(move, move_data)
            if len(moves_data) > 1:
                move_problems = [
                    self.env._("%(document)s: %(problem)s", document=move.display_name, problem=problem)
                    for problem in move_problems
                ]
            problems += move_problems
        self.env["mail.document.send.mixin"]._mail_document_send_raise(problems)
