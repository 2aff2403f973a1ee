# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..delivery.filename import safe_filename
from ..delivery.header import one_line, safe_address_header
from .mail_mail import note_attachments_sent


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    @api.model
    def build_email(
        self,
        email_from,
        email_to,
        subject,
        body,
        email_cc=None,
        email_bcc=None,
        reply_to=False,
        attachments=None,
        message_id=None,
        references=None,
        object_id=False,
        subtype="plain",
        headers=None,
        body_alternative=None,
        subtype_alternative="plain",
    ):
        # A CR/LF in an attachment's file name makes Python's email package
        # refuse the whole message (the mail fails for good), and other
        # reserved characters break the file on the customer's side: the
        # file name on the wire is always a safe one.
        # Same for the subject and the addresses (a partner's name is part of
        # them): a line break would be refused, or read as a new header.
        subject = one_line(subject)
        email_from = one_line(email_from)
        reply_to = one_line(reply_to)
        email_to = [safe_address_header(address) for address in email_to or []]
        email_cc = [safe_address_header(address) for address in email_cc or []]
        email_bcc = [safe_address_header(address) for address in email_bcc or []]
        # The delivery journal keeps what is sent, under the stored name.
        note_attachments_sent(attachments)
        if attachments:
            attachments = [
                (safe_filename(name) if name else name,) + tuple(rest) for name, *rest in attachments
            ]
        return super().build_email(
            email_from,
            email_to,
            subject,
            body,
            email_cc=email_cc,
            email_bcc=email_bcc,
            reply_to=reply_to,
            attachments=attachments,
            message_id=message_id,
            references=references,
            object_id=object_id,
            subtype=subtype,
            headers=headers,
            body_alternative=body_alternative,
            subtype_alternative=subtype_alternative,
        )
