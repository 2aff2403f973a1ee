# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""delivery/smtp_send.py against a real SMTP server (aiosmtpd): the queue's
exchange must say and do what smtplib's sendmail says and does, and put the
very bytes send_message would put on the wire."""

import smtplib
import time
from email.message import EmailMessage

from odoo.tests import BaseCase

from ..delivery import smtp_send
from .smtp_server import ACCEPT, ScriptedSmtpServer


def make_message(subject="Quotation S00042", body="Dear customer,\n.\nA line starting with a dot above.\n"):
    message = EmailMessage()
    message["From"] = "Sales <sales@example.com>"
    message["To"] = "Customer <customer@example.com>"
    message["Subject"] = subject
    message["Message-Id"] = "<s00042@example.com>"
    message.set_content(body)
    message.add_attachment(
        b"%PDF-1.4\n" + b"0" * 3000, maintype="application", subtype="pdf", filename="Q.pdf"
    )
    # Else each serialization draws a boundary of its own.
    message.set_boundary("===============mds-test==")
    return message


class TestSmtpSend(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ScriptedSmtpServer().start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.server.reset()
        self.session = smtplib.SMTP(self.server.host, self.server.port, timeout=10)
        self.addCleanup(self.session.close)

    def send(self, to_addrs=("customer@example.com",), session=None, message=None):
        """The first half (make_message from sales@example.com to
        `to_addrs`); returns the second, the server's verdict."""
        to_addrs = list(to_addrs)
        flat = smtp_send.flatten_plain(message or make_message(), "sales@example.com", to_addrs)
        return smtp_send.send_until_verdict(session or self.session, "sales@example.com", to_addrs, flat)

    def test_same_bytes_as_send_message(self):
        message = make_message()
        self.session.send_message(message, "sales@example.com", ["customer@example.com"])
        self.assertEqual(self.send(message=message)(), {})
        first, second = self.server.received
        self.assertEqual(first.data, second.data)
        self.assertEqual((second.mail_from, second.rcpt_tos), ("sales@example.com", ["customer@example.com"]))
        # The dot-stuffing undone by the server: the line is as written.
        body = second.message.get_body().get_content().replace("\r\n", "\n")
        self.assertIn("\n.\nA line starting with a dot", body)

    def test_other_work_between_the_halves(self):
        """The first half returns once the whole message is at the server,
        without waiting for its verdict: the sender builds its next mail
        while the server digests this one. Then the verdict, and the next
        mail through the same session."""
        # The server takes a second over each message before its verdict.
        self.server.pace_seconds = 1.0
        self.addCleanup(setattr, self.server, "pace_seconds", 0)
        verdict = self.send()
        # The server has the whole message (its DATA is done) and has not
        # answered yet: no verdict was waited for.
        deadline = time.monotonic() + 0.5
        while not self.server.attempts and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertEqual([attempt[1] for attempt in self.server.attempts], [["customer@example.com"]])
        self.assertFalse(self.server.received)
        # Other work meanwhile: the next mail's bytes, as the queue's fast
        # lane builds them while the server digests the previous one.
        following = smtp_send.flatten_plain(
            make_message(subject="Quotation S00043"), "sales@example.com", ["other@example.com"]
        )
        self.assertFalse(self.server.received)
        self.assertEqual(verdict(), {})
        self.assertEqual(len(self.server.received), 1)
        self.server.pace_seconds = 0
        self.assertEqual(
            smtp_send.send_until_verdict(
                self.session, "sales@example.com", ["other@example.com"], following
            )(),
            {},
        )
        self.assertEqual(
            [(mail.rcpt_tos, str(mail.message["Subject"])) for mail in self.server.received],
            [(["customer@example.com"], "Quotation S00042"), (["other@example.com"], "Quotation S00043")],
        )

    def test_refused_message_raises_as_sendmail_and_the_session_goes_on(self):
        self.server.script("550 5.7.1 Message rejected as spam", ACCEPT)
        verdict = self.send()
        with self.assertRaises(smtplib.SMTPDataError) as caught:
            verdict()
        self.assertEqual(caught.exception.smtp_code, 550)
        # Reset after the refusal, as sendmail does: the next mail is taken.
        self.assertEqual(self.send()(), {})
        self.assertEqual(len(self.server.received), 1)

    def test_closing_reply_closes_the_session(self):
        self.server.script("421 4.3.2 Shutting down")
        verdict = self.send()
        with self.assertRaises(smtplib.SMTPDataError) as caught:
            verdict()
        self.assertEqual(caught.exception.smtp_code, 421)
        self.assertIsNone(self.session.sock)

    def test_partly_refused_recipients_are_returned(self):
        self.server.refuse("gone@example.com")
        refused = self.send(["customer@example.com", "gone@example.com"])()
        self.assertEqual(list(refused), ["gone@example.com"])
        self.assertEqual(refused["gone@example.com"][0], 550)
        self.assertEqual(self.server.received[0].rcpt_tos, ["customer@example.com"])

    def test_every_recipient_refused_sends_nothing(self):
        self.server.refuse("gone@example.com")
        with self.assertRaises(smtplib.SMTPRecipientsRefused):
            self.send(["gone@example.com"])
        self.assertFalse(self.server.received)
        self.assertEqual(self.session.noop()[0], 250)

    def test_only_the_plain_case_is_flattened_ahead(self):
        message = make_message()
        self.assertIsNotNone(smtp_send.flatten_plain(message, "sales@example.com", ["customer@example.com"]))
        # An address send_message sends with SMTPUTF8, a Bcc it removes, a
        # resend it addresses otherwise: left to send_message.
        self.assertIsNone(smtp_send.flatten_plain(message, "sales@example.com", ["clément@example.com"]))
        message["Bcc"] = "hidden@example.com"
        self.assertIsNone(smtp_send.flatten_plain(message, "sales@example.com", ["customer@example.com"]))

    def test_works_on_odoos_connection_wrapper(self):
        from odoo.addons.base.models.ir_mail_server import SMTPConnection

        wrapper = SMTPConnection(self.server.host, self.server.port, "none")
        self.addCleanup(wrapper.close)
        self.assertEqual(self.send(session=wrapper)(), {})
        self.assertEqual(len(self.server.received), 1)
