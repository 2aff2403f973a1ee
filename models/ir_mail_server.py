# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import threading

from odoo import api, models

from ..delivery.attempt import attachment_line
from ..delivery.header import attachment_name, one_line

#: What the SMTP layer saw of the attempt the current thread is making:
#: mail.mail._send arms it (`armed`), build_email and send_email fill it.
#: Stock 18 passes neither the attachments as put in the message nor the
#: refused recipients of send_message() back to mail.mail.
current_attempt = threading.local()


def arm_attempt():
    current_attempt.armed = True
    current_attempt.attachment_lines = None
    current_attempt.refused = {}


def disarm_attempt():
    current_attempt.armed = False
    lines, refused = current_attempt.attachment_lines, current_attempt.refused
    current_attempt.attachment_lines, current_attempt.refused = None, {}
    return lines, refused


class _RefusalRecorder:
    """Wraps an SMTP session to keep what send_message() returns: the
    recipients the server refused while accepting the others."""

    def __init__(self, session):
        self._session = session

    def __getattr__(self, name):
        return getattr(self._session, name)

    def send_message(self, *args, **kwargs):
        refused = self._session.send_message(*args, **kwargs)
        if refused and getattr(current_attempt, "armed", False):
            current_attempt.refused.update(refused)
        return refused


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
        # The journal keeps each attachment as it goes into the message:
        # name, size, SHA-256 of these very bytes (not of what is stored,
        # which may have changed, nor of ir.attachment's SHA-1 checksum).
        # Last line of defence against header injection: a line break in a
        # partner's name or a subject would start a new header (measured on
        # stock 18: a partner named "Evil\r\nBcc: x@..." put a Bcc line on
        # the wire). Whatever the checks before a send let through.
        subject, email_from, reply_to = one_line(subject), one_line(email_from), one_line(reply_to)
        email_to = [one_line(address) for address in email_to or []]
        email_cc = [one_line(address) for address in email_cc or []]
        email_bcc = [one_line(address) for address in email_bcc or []]
        attachments = [(attachment_name(name), data, *rest) for name, data, *rest in attachments or []]
        if getattr(current_attempt, "armed", False):
            current_attempt.attachment_lines = [
                attachment_line(name, data) for name, data, *_rest in attachments or []
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

    def _get_max_email_size(self):
        # Asked for every mail with an attachment of a document: within a
        # batch (mail.mail._mds_send_batch) read once per server, not once per
        # mail (each mail's commit empties the ORM cache).
        return self._mds_batch_memo(("max_email_size", self.id), super()._get_max_email_size)

    def _mds_batch_memo(self, key, compute):
        """`compute()` once per queue batch (mail.mail._mds_send_batch):
        each mail's commit empties the ORM cache, and what is asked for
        every mail would be recomputed for every mail."""
        memo = getattr(current_attempt, "batch_memo", None)
        if memo is None:
            return compute()
        if key not in memo:
            memo[key] = compute()
        return memo[key]

    @api.model
    def _get_default_bounce_address(self):
        # Asked by _prepare_email_message for every mail: the company's
        # bounce address, recomputed from its alias domain each time.
        return self._mds_batch_memo(
            ("bounce_address", self.env.company.id), super()._get_default_bounce_address
        )

    @api.model
    def _get_default_from_address(self):
        return self._mds_batch_memo(("from_address", self.env.company.id), super()._get_default_from_address)

    @api.model
    def send_email(
        self,
        message,
        mail_server_id=None,
        smtp_server=None,
        smtp_port=None,
        smtp_user=None,
        smtp_password=None,
        smtp_encryption=None,
        smtp_ssl_certificate=None,
        smtp_ssl_private_key=None,
        smtp_debug=False,
        smtp_session=None,
    ):
        if smtp_session is not None and getattr(current_attempt, "armed", False):
            smtp_session = _RefusalRecorder(smtp_session)
        return super().send_email(
            message,
            mail_server_id=mail_server_id,
            smtp_server=smtp_server,
            smtp_port=smtp_port,
            smtp_user=smtp_user,
            smtp_password=smtp_password,
            smtp_encryption=smtp_encryption,
            smtp_ssl_certificate=smtp_ssl_certificate,
            smtp_ssl_private_key=smtp_ssl_private_key,
            smtp_debug=smtp_debug,
            smtp_session=smtp_session,
        )
