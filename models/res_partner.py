# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from .mail_message import EXACT_RECIPIENTS_KEY


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _notify_send(self, body, subject, recipients, **mail_values):
        """A document's email: one mail.mail per recipient.

        Stock puts up to 50 recipients in one mail.mail, sent as one SMTP
        message each. When the server turns one of them down, the recipients
        after it get nothing and the retry sends the mail again to those
        before it. Alone in its mail.mail, each recipient's delivery fails,
        is retried and is journaled on its own."""
        if not self.env.context.get(EXACT_RECIPIENTS_KEY) or len(recipients) <= 1:
            return super()._notify_send(body, subject, recipients, **mail_values)
        emails = self.env["mail.mail"]
        for partner in recipients:
            partner_emails, _count = super()._notify_send(body, subject, partner, **mail_values)
            emails |= partner_emails
        return emails, len(recipients)
