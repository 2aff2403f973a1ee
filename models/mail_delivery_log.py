# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models

from .mail_mail import FAILURE_TYPE_SELECTION

RETENTION_PARAM = "mail_document_send.delivery_log_retention_days"
DEFAULT_RETENTION_DAYS = 730


class MailDeliveryLog(models.Model):
    """One row per delivery attempt of a mail.mail.

    Deliberately not linked to mail.mail: auto-deleted mails vanish once
    sent, and the journal must outlive them (proof of what left, when)."""

    _name = "mail.delivery.log"
    _description = "Email delivery journal"
    _order = "date desc, id desc"
    _rec_name = "subject"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.uid)
    model = fields.Char("Document model", readonly=True, index=True)
    res_id = fields.Integer("Document ID", readonly=True, index=True)
    record_name = fields.Char("Document", readonly=True)
    mail_message_id = fields.Many2one("mail.message", "Message", readonly=True, ondelete="set null")
    mail_id = fields.Integer(
        "Mail ID", readonly=True, help="Id of the mail.mail, which may be deleted since."
    )
    message_id = fields.Char("Message-ID", readonly=True, index=True)
    recipients = fields.Text(readonly=True)
    subject = fields.Char(readonly=True)
    attachments = fields.Text(
        readonly=True, help="One line per attachment: name, size in bytes and SHA-256 of the content sent."
    )
    attempt = fields.Integer(readonly=True)
    state = fields.Selection(
        [("sent", "Sent"), ("failed", "Failed")], required=True, readonly=True, index=True
    )
    failure_type = fields.Selection(FAILURE_TYPE_SELECTION, readonly=True, index=True)
    failure_smtp_code = fields.Integer("SMTP code", readonly=True)
    failure_smtp_reply = fields.Text("SMTP reply", readonly=True)
    failure_reason = fields.Text(readonly=True)

    @api.model
    def _log_attempt(self, snapshot, state, **values):
        """Write the journal row of one attempt, as the system: the sender may
        not have the right to write the journal, the attempt happened anyway."""
        vals = dict(snapshot, state=state, **values)
        return self.sudo().create(vals)

    @api.model
    def _cron_clean(self):
        """Drop the rows older than the retention (system parameter, in days;
        0 keeps everything): the journal is proof, not an archive."""
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        try:
            days = int(value) if value else DEFAULT_RETENTION_DAYS
        except ValueError:
            days = DEFAULT_RETENTION_DAYS
        if days <= 0:
            return 0
        limit = fields.Datetime.from_string(fields.Datetime.now()) - datetime.timedelta(days=days)
        old = self.sudo().search([("date", "<", fields.Datetime.to_string(limit))])
        old.unlink()
        return len(old)
