# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import smtplib
import socket
import ssl

from odoo.tests import BaseCase

from ..delivery import smtp_failure as sf


def wrapped(original):
    """What ir.mail_server.send_email raises: a wrapper carrying only text,
    the original exception in __context__."""
    try:
        try:
            raise original
        except Exception as exc:
            raise RuntimeError("Mail Delivery Failed", "Mail delivery failed via SMTP: %s" % exc) from None
    except RuntimeError as wrapper:
        wrapper.__context__ = original
        return wrapper


#: (exception, expected type, expected code): replies real servers send.
TABLE = [
    (
        smtplib.SMTPDataError(421, b"4.7.0 mx.example.com Service not available, closing channel"),
        "temporary",
        421,
    ),
    (smtplib.SMTPDataError(450, b"4.2.1 Mailbox busy, try again later"), "temporary", 450),
    (smtplib.SMTPDataError(451, b"4.3.0 Try again later"), "temporary", 451),
    (smtplib.SMTPDataError(452, b"4.5.3 Too many recipients"), "temporary", 452),
    (
        smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"4.7.1 Greylisted, try again")}),
        "temporary",
        450,
    ),
    (
        smtplib.SMTPRecipientsRefused(
            {
                "nobody@example.com": (
                    550,
                    b"5.1.1 <nobody@example.com>: Recipient address rejected: User unknown",
                )
            }
        ),
        "permanent",
        550,
    ),
    (
        smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected: not owned by user", "a@b.c"),
        "permanent",
        553,
    ),
    (smtplib.SMTPDataError(554, b"5.7.1 Message rejected as spam"), "permanent", 554),
    (smtplib.SMTPDataError(550, b"5.7.1 Relaying denied"), "permanent", 550),
    (smtplib.SMTPRecipientsRefused({"x": (553, b"5.1.3 Bad recipient address syntax")}), "recipient", 553),
    (
        smtplib.SMTPAuthenticationError(535, b"5.7.8 Username and Password not accepted"),
        "authentication",
        535,
    ),
    (smtplib.SMTPSenderRefused(530, b"5.7.0 Authentication required", "a@b.c"), "authentication", 530),
    (
        smtplib.SMTPSenderRefused(530, b"5.7.0 Must issue a STARTTLS command first", "a@b.c"),
        "configuration",
        530,
    ),
    (smtplib.SMTPDataError(552, b"5.3.4 Message size exceeds fixed maximum message size"), "too_large", 552),
    (smtplib.SMTPDataError(554, b"5.3.4 Message too big for system"), "too_large", 554),
    (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."), "configuration", None),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "temporary", None),
    (ConnectionRefusedError(111, "Connection refused"), "temporary", None),
    (ConnectionResetError(104, "Connection reset by peer"), "temporary", None),
    (TimeoutError("timed out"), "temporary", None),
    (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "configuration", None),
    (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "configuration", None),
    (
        AssertionError(
            "At least one valid recipient address should be specified for outgoing emails (To/Cc/Bcc)"
        ),
        "recipient",
        None,
    ),
    (Exception("Missing SMTP Server\nPlease define at least one SMTP server"), "configuration", None),
    (ValueError("something else"), "unknown", None),
]


class TestSmtpFailure(BaseCase):
    def test_table_of_real_replies(self):
        for exc, expected_type, expected_code in TABLE:
            with self.subTest(exc=exc):
                failure_type, code, reply = sf.classify(exc)
                self.assertEqual((failure_type, code), (expected_type, expected_code))
                self.assertTrue(reply)

    def test_wrapped_exception_is_unwrapped(self):
        exc = wrapped(smtplib.SMTPDataError(451, b"4.3.0 Try again later"))
        self.assertEqual(sf.classify(exc), ("temporary", 451, "451 4.3.0 Try again later"))

    def test_every_type_is_known(self):
        for exc, _type, _code in TABLE:
            self.assertIn(sf.classify(exc)[0], sf.FAILURE_TYPES)
