# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The outbox beside OCA's mail_tracking (18.0), which catches the SMTP
exception in ir.mail_server.send_email when it tracks a mail and returns as
if the mail had left. Run on a database with mail_tracking installed
(dev/test.sh's stack section: tag mds_stack); not part of the bare run."""

import datetime

from odoo.tests import freeze_time, tagged

from .outbox_common import MailCase

MINUTE = datetime.timedelta(minutes=1)


@tagged("post_install", "-at_install", "-standard", "mds_stack")
class TestStackMailTracking(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Not a skip: on a database without it this stack's run is broken.
        assert "mail.tracking.email" in cls.env, "mail_tracking is not installed on this database"

    def tracking_of(self, mail_id):
        return self.env["mail.tracking.email"].sudo().search([("mail_id", "=", mail_id)])

    def test_550_on_a_quotation_is_a_failure_for_good(self):
        order = self.make_order()
        self.smtp.script("550 5.1.1 <customer@example.com>: Recipient address rejected: User unknown")
        _message, mail = self.post_document(order, self.customer, auto_delete=False)
        self.assertFalse(self.smtp.received)
        mail.invalidate_recordset()
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_smtp_code), ("exception", "permanent", 550)
        )
        self.assertTrue(mail.failure_type)
        # mail_tracking did its part: its tracking says error.
        self.assertEqual(self.tracking_of(mail.id).state, "error")
        journal = self.journal(mail.id)
        self.assertEqual(journal.mapped("state"), ["failed"])
        self.assertEqual(journal.failure_smtp_code, 550)
        self.assertEqual(self.state_of(order), "failed")
        self.assertEqual(len(self.failure_activities(order)), 1)
        notes = order.message_ids.filtered(lambda message: "could not be delivered" in (message.body or ""))
        self.assertEqual(len(notes), 1)
        notification = self.env["mail.notification"].sudo().search([("mail_mail_id", "=", mail.id)])
        self.assertEqual(notification.notification_status, "exception")

    def test_451_on_a_quotation_is_retried_then_delivered_once(self):
        order = self.make_order()
        self.smtp.script("451 4.3.0 Try again later")
        start = datetime.datetime(2026, 3, 2, 9, 0, 0)
        with freeze_time(start):
            _message, mail = self.post_document(order, self.customer, auto_delete=False)
        mail.invalidate_recordset()
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_smtp_code), ("outgoing", "temporary", 451)
        )
        self.assertEqual(mail.next_attempt_date, start + 5 * MINUTE)
        self.assertEqual(self.journal(mail.id).mapped("state"), ["failed"])
        self.assertEqual(self.state_of(order), "queued")
        notification = self.env["mail.notification"].sudo().search([("mail_mail_id", "=", mail.id)])
        self.assertEqual(notification.notification_status, "ready")
        with freeze_time(start + 6 * MINUTE):
            self.process_queue()
        mail.invalidate_recordset()
        self.assertEqual((mail.state, mail.attempt_count), ("sent", 2))
        self.assert_one_mail_to("customer@example.com")
        self.assertEqual(self.journal(mail.id).mapped("state"), ["failed", "sent"])
        self.assertEqual(self.state_of(order), "sent")
        self.assertEqual(notification.notification_status, "sent")
        self.assertFalse(self.failure_activities(order))

    def test_no_valid_recipient_is_a_failure_not_a_sent_mail(self):
        """mail_tracking also catches what stock refuses before the server
        (no valid recipient address): recorded where it hides nothing
        (delivery/wire.py), the mail is failed, never journaled as sent."""
        mail = self.make_mail(email_to="no address here", auto_delete=False)
        self.process_queue(mail)
        self.assertFalse(self.smtp.attempts)
        mail.invalidate_recordset()
        self.assertEqual((mail.state, mail.failure_class), ("exception", "recipient"))
        # Stock's type for an address that is none at all.
        self.assertEqual(mail.failure_type, "mail_email_missing")
        self.assertEqual(self.journal(mail.id).mapped("state"), ["failed"])

    def test_the_engine_calls_mail_trackings_send_email(self):
        """Every mail goes through the one engine: mail_tracking's
        send_email is called and tracks the mail as sent."""
        mails = self.make_mail(email_to="a@example.com") | self.make_mail(email_to="b@example.com")
        self.process_queue(mails)
        self.assertEqual(
            sorted(r.rcpt_tos[0] for r in self.smtp.received), ["a@example.com", "b@example.com"]
        )
        for mail in mails:
            self.assertEqual(self.tracking_of(mail.id).state, "sent")
            self.assertEqual(self.journal(mail.id).mapped("state"), ["sent"])
