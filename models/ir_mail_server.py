# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

from ..delivery import wire
from ..delivery.header import attachment_name, one_line
from ..outbox.memo import memoized


def _one_line_each(addresses):
    if isinstance(addresses, str):
        return one_line(addresses)
    return [one_line(address) for address in addresses or []]


class IrMailServer(models.Model):
    _inherit = "ir.mail_server"

    def connect(self, *args, **kwargs):
        # What the server answers is recorded on the connection itself
        # (delivery/wire.py), below any addon's override of send_email that
        # may catch the exception and return as if the mail had left.
        try:
            connection = super().connect(*args, **kwargs)
        except Exception as exc:
            wire.note_failure(exc)
            raise
        if connection is not None:
            wire.observe(getattr(connection, "__obj__", connection))
        return connection

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
        # Last line of defence against header injection: a line break in a
        # partner's name or a subject would start a new header (measured on
        # stock 18: a partner named "Evil\r\nBcc: x@..." put a Bcc line on
        # the wire). Whatever the checks before a send let through.
        subject, email_from, reply_to = one_line(subject), one_line(email_from), one_line(reply_to)
        # A list, or one string as stock also takes it (mail_composer_cc_bcc
        # passes its Cc so): a string is not split into characters.
        email_to, email_cc, email_bcc = (_one_line_each(value) for value in (email_to, email_cc, email_bcc))
        attachments = [(attachment_name(name), data, *rest) for name, data, *rest in attachments or []]
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

    def _prepare_email_message(self, message, smtp_session):
        # Each address once in the envelope: stock takes it from To, Cc and
        # Bcc and keeps an address found in two of them twice, and a server
        # may deliver each RCPT TO. The copy of a document's Cc partner
        # names them in To (its envelope, before X-Forge-To shows the
        # message's To) and in Cc (mail.thread._mail_document_send_copy_headers).
        try:
            smtp_from, smtp_to_list, message = super()._prepare_email_message(message, smtp_session)
        except AssertionError as exc:
            # No valid recipient or sender: recorded for the attempt, which
            # an addon catching it above send_email would hide.
            wire.note_failure(exc)
            raise
        return smtp_from, list(dict.fromkeys(smtp_to_list)), message

    def _get_max_email_size(self):
        # Asked for every mail with an attachment of a document: within a
        # batch (outbox/memo.py) read once per server, not once per mail.
        return memoized(self.env, ("max_email_size", self.id), super()._get_max_email_size)

    @api.model
    def _get_default_bounce_address(self):
        # Asked by _prepare_email_message for every mail: the company's
        # bounce address, recomputed from its alias domain each time.
        return memoized(
            self.env, ("bounce_address", self.env.company.id), super()._get_default_bounce_address
        )

    @api.model
    def _get_default_from_address(self):
        return memoized(self.env, ("from_address", self.env.company.id), super()._get_default_from_address)
