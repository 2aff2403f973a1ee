# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""smtplib's sendmail in two halves: everything up to the last byte of the
message, then the server's verdict on it. In between, the sender does other
work (the queue builds its next mail) while the server digests the message:
the server's time is not added to Odoo's. The same commands, replies,
resets and exceptions as smtplib.SMTP.sendmail (Python 3.10 to 3.12), on
which it is modelled. Plain Python, no Odoo import."""

import contextlib
import email.generator
import io
import re
import smtplib

_LEADING_DOT = re.compile(rb"(?m)^\.")


def flatten_plain(message, from_addr, to_addrs):
    """The bytes smtplib's send_message makes of `message` (an
    email.message.Message) for sendmail, so that it can be done ahead of the
    send. Only in the plain case: an ASCII envelope, no Bcc, not a resend;
    None otherwise, and send_message itself is the way to send it."""
    try:
        "".join([from_addr, *to_addrs]).encode("ascii")
    except UnicodeEncodeError:
        return None
    if any(name in message for name in ("Bcc", "Resent-Bcc", "Resent-Date")):
        return None
    with io.BytesIO() as flat:
        email.generator.BytesGenerator(flat).flatten(message, linesep="\r\n")
        return flat.getvalue()


def _reset(session):
    # As smtplib's private _rset: a server already gone is no new error.
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        session.rset()


def _refuse(session, code):
    # After a refusal the transaction is reset, or the connection closed
    # when the server said it is closing it (421).
    if code == 421:
        session.close()
    else:
        _reset(session)


def send_until_verdict(session, from_addr, to_addrs, message, mail_options=(), rcpt_options=()):
    """Send `message` (bytes, lines ending in CRLF) to the server of the
    connected `session` up to its final dot; return a function that reads
    the server's verdict: the recipients it refused while taking the mail,
    as sendmail returns them, or sendmail's exception. `session` may be
    Odoo's wrapper of the smtplib connection (its __obj__)."""
    session = getattr(session, "__obj__", session)
    session.ehlo_or_helo_if_needed()
    esmtp_options = []
    if session.does_esmtp:
        if session.has_extn("size"):
            esmtp_options.append("size=%d" % len(message))
        esmtp_options.extend(mail_options)
    code, reply = session.mail(from_addr, esmtp_options)
    if code != 250:
        _refuse(session, code)
        raise smtplib.SMTPSenderRefused(code, reply, from_addr)
    refused = {}
    for address in to_addrs:
        code, reply = session.rcpt(address, list(rcpt_options))
        if code not in (250, 251):
            refused[address] = (code, reply)
        if code == 421:
            session.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(to_addrs):
        _reset(session)
        raise smtplib.SMTPRecipientsRefused(refused)
    session.putcmd("data")
    code, reply = session.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    data = _LEADING_DOT.sub(b"..", message)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    session.send(data + b".\r\n")

    def verdict():
        code, reply = session.getreply()
        if code != 250:
            _refuse(session, code)
            raise smtplib.SMTPDataError(code, reply)
        return refused

    return verdict
