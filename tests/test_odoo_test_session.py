# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mails sent through the SMTP session Odoo's own test tools hand out
(base's MockSmtplibCase, under mail's mock_mail_gateway) behave as on stock:
every addon whose tests use them keeps passing with this one installed."""

from odoo.addons.base.tests.common import MockSmtplibCase
from odoo.tools import mute_logger

from .outbox_common import MUTED, MailCase


class TestOdooTestSession(MailCase, MockSmtplibCase):
    def test_queue_sends_through_odoos_testing_session(self):
        mails = self.make_mail(email_to="a@example.com") | self.make_mail(email_to="b@example.com")
        with mute_logger(*MUTED), self.mock_smtplib_connection():
            self.env["mail.mail"].process_email_queue(ids=mails.ids)
        self.assertEqual(
            sorted(email["smtp_to_list"][0] for email in self.emails), ["a@example.com", "b@example.com"]
        )
        self.assertEqual(mails.mapped("state"), ["sent", "sent"])
        self.assertFalse(mails.filtered("failure_class"))
        for mail in mails:
            self.assertEqual(self.journal(mail.id).mapped("state"), ["sent"])
        # Nothing went to the real server: the session stood in for it.
        self.assertFalse(self.smtp.attempts)
