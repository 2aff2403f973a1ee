# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailDocumentSendMixin(models.AbstractModel):
    _inherit = "mail.document.send.mixin"

    # The PDFs of the document kept for reuse (models/report_pdf_cache.py)
    # are attachments of this field: hidden from the document's attachments
    # and chatter, readable under the document's own access rules, never
    # copied with it. Several may exist (reports, languages): not for display.
    mail_document_send_pdf_cache = fields.Binary(
        string="PDFs kept for reuse",
        attachment=True,
        copy=False,
        prefetch=False,
    )
