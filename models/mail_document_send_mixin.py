# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailDocumentSendMixin(models.AbstractModel):
    """What sending a document by email needs from the document: its
    customer among its followers, the addon's template for its kind, and its
    PDF's name in the customer's language."""

    _name = "mail.document.send.mixin"
    _description = "Document sent by email"

    #: XML id of this addon's template for the kind of document.
    _mail_document_send_template = None

    # Stock Odoo subscribes the customer on confirmation or validation; the
    # composer takes its recipients from the followers, so the customer
    # follows the document from the moment it exists, and whoever becomes
    # its customer later follows it too.
    @api.model
    def create(self, vals):
        record = super().create(vals)
        record._mail_document_send_subscribe_customer()
        return record

    @api.multi
    def write(self, vals):
        result = super().write(vals)
        if vals.get("partner_id"):
            self._mail_document_send_subscribe_customer()
        return result

    @api.multi
    def _mail_document_send_subscribe_customer(self):
        for record in self:
            record.message_subscribe(partner_ids=record.partner_id.ids)

    @api.multi
    def _mail_document_send_action(self, action):
        """The stock Send by email `action`, on this addon's template, which
        speaks the customer's language and names the PDF after the document."""
        template = self.env.ref(self._mail_document_send_template, raise_if_not_found=False)
        if template:
            action["context"].update(default_use_template=True, default_template_id=template.id)
        return action

    @api.multi
    def mail_document_send_filename(self):
        """Name of the PDF sent by email, in the customer's language.

        Public because mail templates render in a sandbox that refuses
        private attributes."""
        self.ensure_one()
        # Stock renders the report name in the sender's language, not the
        # template's: switch to the customer's here.
        return self.with_context(lang=self.partner_id.lang or self.env.lang)._mail_document_send_filename()

    @api.multi
    def _mail_document_send_filename(self):
        """The file name without extension, in the context's language."""
        raise NotImplementedError
