# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Classify why a mail could not be delivered.

Plain Python (no Odoo import) so that it can be tested on a table of real
SMTP replies and reused by scripts. Odoo wraps SMTP errors into a
MailDeliveryException whose text is all that survives; the original
exception is still reachable through ``__cause__``/``__context__``, which is
why we walk that chain instead of parsing Odoo's message.
"""

import smtplib
import socket
import ssl

TEMPORARY = "temporary"
PERMANENT = "permanent"
AUTHENTICATION = "authentication"
CONFIGURATION = "configuration"
RECIPIENT = "recipient"
TOO_LARGE = "too_large"
UNKNOWN = "unknown"

FAILURE_TYPES = (TEMPORARY, PERMANENT, AUTHENTICATION, CONFIGURATION, RECIPIENT, TOO_LARGE, UNKNOWN)

#: ir.mail_server's NO_VALID_RECIPIENT assertion text (copied: no Odoo import).
NO_VALID_RECIPIENT = "At least one valid recipient address should be specified"
#: ir.mail_server.connect()'s UserError when no server is configured.
MISSING_SERVER = "Missing SMTP Server"


def _chain(exception):
    """The exception and every exception it was raised from, outermost first."""
    seen = []
    while exception is not None and exception not in seen:
        seen.append(exception)
        exception = exception.__cause__ or exception.__context__
    return seen


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def classify_reply(code, reply=""):
    """Failure type of an SMTP reply code (int) and its text."""
    text = (reply or "").lower()
    if code == 552 or "5.3.4" in text or "too large" in text or "size limit" in text:
        return TOO_LARGE
    if code in (530, 538) and "tls" in text:
        # "530 5.7.0 Must issue a STARTTLS command first": the server record
        # needs STARTTLS, not another password.
        return CONFIGURATION
    if code in (535, 534, 530, 454) and ("auth" in text or code == 535):
        return AUTHENTICATION
    if 400 <= code < 500:
        return TEMPORARY
    if "5.1.3" in text or "syntax" in text and code in (501, 553):
        return RECIPIENT
    if 500 <= code < 600:
        return PERMANENT
    return UNKNOWN


def _classify_one(exc):  # noqa: C901 - a flat table of cases reads best
    """(type, code, reply) for one exception, or None when it says nothing."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        if replies:
            code, reply = replies[0]
            reply = _text(reply)
            return classify_reply(code, reply), code, "%s %s" % (code, reply)
        return RECIPIENT, None, _text(exc)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = _text(exc.smtp_error)
        return classify_reply(exc.smtp_code, reply), exc.smtp_code, "%s %s" % (exc.smtp_code, reply)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        # "STARTTLS extension not supported by server", "SMTP AUTH extension
        # not supported by server": the server record asks for what the
        # server does not offer.
        return CONFIGURATION, None, _text(exc)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return TEMPORARY, None, _text(exc) or "Connection unexpectedly closed"
    if isinstance(exc, ssl.SSLError) or isinstance(exc, getattr(ssl, "CertificateError", ())):
        return CONFIGURATION, None, "%s: %s" % (type(exc).__name__, exc)
    if isinstance(exc, socket.gaierror):
        if exc.errno == socket.EAI_AGAIN:
            return TEMPORARY, None, _text(exc)
        return CONFIGURATION, None, _text(exc)
    if isinstance(exc, (socket.timeout, TimeoutError, ConnectionError)):
        return TEMPORARY, None, "%s: %s" % (type(exc).__name__, exc)
    if isinstance(exc, OSError):
        # Network unreachable and friends: the network may come back.
        return TEMPORARY, None, "%s: %s" % (type(exc).__name__, exc)
    text = _text(exc)
    if NO_VALID_RECIPIENT in text:
        return RECIPIENT, None, text
    if MISSING_SERVER in text:
        return CONFIGURATION, None, text
    return None


def classify(exception):
    """(failure_type, smtp_code or None, raw_reply) for a delivery failure.

    The innermost meaningful exception wins: a MailDeliveryException only
    repeats, as text, what smtplib raised underneath.
    """
    if exception is None:
        return RECIPIENT, None, ""
    for exc in reversed(_chain(exception)):
        result = _classify_one(exc)
        if result:
            return result
    # Odoo's wrapper kept only text: its args hold the original message.
    args = getattr(exception, "args", ())
    text = " ".join(_text(arg) for arg in args) if args else _text(exception)
    if NO_VALID_RECIPIENT in text:
        return RECIPIENT, None, text
    if MISSING_SERVER in text:
        return CONFIGURATION, None, text
    return UNKNOWN, None, text


def verdict_lost(exception, after_end):
    """Whether a failure left the sender without the server's verdict on a
    message it received whole: the connection timed out or was dropped
    (no SMTP code) after the message's final dot was sent (`after_end`).
    The server may have taken it: sending it again could deliver it twice.
    Before the final dot, or with a reply code, the outcome is known."""
    if not after_end or exception is None:
        return False
    _failure_class, code, _reply = classify(exception)
    return code is None
