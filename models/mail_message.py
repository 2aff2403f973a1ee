# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

#: The message's Cc and Bcc partners, as OCA's mail_composer_cc_bcc stores
#: them (its composer's partner_cc_ids and partner_bcc_ids). Read only when
#: the fields exist: this addon does not depend on it.
CC_FIELD = "recipient_cc_ids"
BCC_FIELD = "recipient_bcc_ids"


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _mail_document_send_partners_of(self, fname):
        self.ensure_one()
        if fname not in self._fields:
            return self.env["res.partner"]
        return self.sudo()[fname]

    def _mail_document_send_cc(self):
        """The partners the message was written to in Cc (none without
        mail_composer_cc_bcc)."""
        return self._mail_document_send_partners_of(CC_FIELD)

    def _mail_document_send_bcc(self):
        """The partners the message was sent to in Bcc (none without
        mail_composer_cc_bcc)."""
        return self._mail_document_send_partners_of(BCC_FIELD)

    def _mail_document_send_copied_partners(self):
        return self._mail_document_send_cc() | self._mail_document_send_bcc()
