# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .mail_document_send_mixin import EXACT_RECIPIENTS_KEY


class MailScheduledMessage(models.Model):
    _inherit = "mail.scheduled.message"

    def _post_message(self, raise_exception=True):
        # A send scheduled from the composer of a quotation, order or
        # invoice is posted later by a cron: its "To" stays the whole
        # audience then too, as for Send.
        documents = self.filtered(lambda message: message._mail_document_send_is_document())
        if documents:
            super(MailScheduledMessage, documents.with_context(**{EXACT_RECIPIENTS_KEY: True}))._post_message(
                raise_exception=raise_exception
            )
        return super(MailScheduledMessage, self - documents)._post_message(raise_exception=raise_exception)

    def _mail_document_send_is_document(self):
        self.ensure_one()
        if self.is_note or not self.model or self.model not in self.env:
            return False
        Model = self.env[self.model]
        return (
            hasattr(Model, "_mail_document_send_applies")
            and Model.browse(self.res_id)._mail_document_send_applies()
        )
