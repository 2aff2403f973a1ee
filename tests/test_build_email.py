# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ir.mail_server.build_email takes its addresses as stock does: a list, or
one string (OCA's mail_composer_cc_bcc passes its Cc so). The header
sanitizing of this addon must not split a string into characters."""

from .common import real_smtp_delivery
from .outbox_common import MailCase


class TestBuildEmail(MailCase):
    def test_cc_given_as_one_string_reaches_the_server(self):
        mailer = self.env["ir.mail_server"]
        message = mailer.build_email(
            "sender@example.com",
            ["customer@example.com"],
            "Your document",
            "<p>Hello</p>",
            email_cc='"Copy Delta" <delta@example.com>',
            subtype="html",
        )
        self.assertEqual(message["Cc"], "Copy Delta <delta@example.com>")
        with real_smtp_delivery():
            mailer.send_email(message, mail_server_id=self.mail_server.id)
        received = self.assert_one_mail_to("customer@example.com", "delta@example.com")
        self.assertIn("delta@example.com", received.message["Cc"])

    def test_an_address_in_to_and_in_cc_is_given_to_the_server_once(self):
        # Stock puts it twice in the envelope, and a server may deliver each
        # RCPT TO: a document's Cc partner gets a copy addressed to them with
        # the message's Cc shown (mail.thread._mail_document_send_copy_headers).
        mailer = self.env["ir.mail_server"]
        message = mailer.build_email(
            "sender@example.com",
            ['"Copy Delta" <delta@example.com>'],
            "Your document",
            "<p>Hello</p>",
            email_cc=['"Copy Delta" <delta@example.com>'],
            subtype="html",
        )
        with real_smtp_delivery():
            mailer.send_email(message, mail_server_id=self.mail_server.id)
        self.assert_one_mail_to("delta@example.com")
