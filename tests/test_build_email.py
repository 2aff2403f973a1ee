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
