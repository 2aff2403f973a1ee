# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a failed attempt leaves behind besides the mail itself: the server
log, the chatter's envelope, the SMTP connection, and what Send Now does."""

import logging
from unittest.mock import patch

from lxml import etree

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import config, mute_logger

from ..models.mail_message import EXACT_RECIPIENTS_KEY
from .common import real_smtp_delivery
from .smtp_server import DROP
from .test_mail_retry import MUTED, MailCase


class TestFailureLog(MailCase):
    def send_logged(self, mail):
        with self.assertLogs("odoo.addons", level="INFO") as logs, real_smtp_delivery():
            mail.send()
        return logs.records

    def test_retried_failure_is_a_warning_and_final_failure_one_error(self):
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attempts", "2")
        mail = self.make_mail()
        self.smtp.script("451 4.3.0 Try again later", "451 4.3.0 Try again later")

        records = self.send_logged(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertFalse([r.getMessage() for r in records if r.levelno >= logging.ERROR])
        warnings = [r for r in records if r.levelno == logging.WARNING]
        self.assertEqual(len(warnings), 1, [r.getMessage() for r in records])
        self.assertIn("retry at", warnings[0].getMessage())
        self.assertIn("451", warnings[0].getMessage())

        records = self.send_logged(mail)
        self.assertEqual(mail.state, "exception")
        errors = [r for r in records if r.levelno >= logging.ERROR]
        self.assertEqual(len(errors), 1, [r.getMessage() for r in errors])
        self.assertEqual(errors[0].name, "odoo.addons.mail_document_send.models.mail_mail")
        self.assertIn("failed for good after 2 attempt(s)", errors[0].getMessage())
        # The SMTP reply says it all: no traceback for a known failure.
        self.assertFalse(errors[0].exc_info)


class TestNotificationStatus(MailCase):
    def test_chatter_envelope_is_pending_while_a_retry_is_queued(self):
        customer = self.env["res.partner"].create({"name": "Envelope Customer", "email": "env@example.com"})
        document = self.env["res.partner"].create({"name": "Document holder"})
        message = document.with_context(mail_notify_force_send=False).message_post(
            body="<p>Your document</p>",
            partner_ids=[customer.id],
            message_type="comment",
            subtype="mail.mt_comment",
        )
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(mail), 1)
        mail.auto_delete = False
        notification = self.env["mail.notification"].search(
            [("mail_message_id", "=", message.id), ("res_partner_id", "=", customer.id)]
        )
        self.assertEqual(notification.email_status, "ready")

        self.smtp.script("451 4.3.0 Try again later")
        self.send(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(notification.email_status, "ready")

        self.smtp.script("550 5.1.1 User unknown")
        self.send(mail)
        self.assertEqual(mail.state, "exception")
        self.assertEqual(notification.email_status, "exception")

        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(notification.email_status, "sent")
        self.assertEqual(len(self.smtp.received), 1)

    def test_each_recipient_keeps_the_outcome_of_its_own_mail(self):
        # One message, one mail per recipient (a document's send): the
        # customer's refused, the accountant's delivered after it.
        customer = self.env["res.partner"].create(
            {"name": "Refused Customer", "email": "refused@example.com"}
        )
        accountant = self.env["res.partner"].create({"name": "Accountant", "email": "accountant@example.com"})
        document = self.env["res.partner"].create({"name": "Document holder"})
        message = document.with_context(
            mail_notify_force_send=False, **{EXACT_RECIPIENTS_KEY: True}
        ).message_post(
            body="<p>Your document</p>",
            partner_ids=[customer.id, accountant.id],
            message_type="comment",
            subtype="mail.mt_comment",
        )
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)], order="id")
        self.assertEqual(len(mails), 2)
        to_customer = mails.filtered(lambda mail: mail.recipient_ids == customer)
        to_accountant = mails - to_customer
        self.smtp.refuse("refused@example.com")

        def status(partner):
            return (
                self.env["mail.notification"]
                .search([("mail_message_id", "=", message.id), ("res_partner_id", "=", partner.id)])
                .email_status
            )

        for order in ((to_customer, to_accountant), (to_accountant, to_customer)):
            with self.subTest(first=order[0].recipient_ids.name):
                (to_customer | to_accountant).write({"state": "outgoing", "auto_delete": False})
                for mail in order:
                    self.send(mail)
                self.assertEqual((to_customer.state, to_accountant.state), ("exception", "sent"))
                self.assertEqual((status(customer), status(accountant)), ("exception", "sent"))


class TestBrokenConnection(MailCase):
    def test_a_dropped_connection_fails_only_the_mail_in_flight(self):
        for answer in (DROP, "421 4.7.0 Closing connection"):
            with self.subTest(answer=answer):
                self.smtp.reset()
                mails = self.make_mail(email_to="a@example.com")
                mails |= self.make_mail(email_to="b@example.com")
                mails |= self.make_mail(email_to="c@example.com")
                self.smtp.script(answer)
                self.send(mails)
                self.assertEqual(mails.mapped("state"), ["outgoing", "sent", "sent"])
                self.assertEqual(mails[0].failure_type, "temporary")
                self.assertEqual(
                    sorted(r.rcpt_tos[0] for r in self.smtp.received), ["b@example.com", "c@example.com"]
                )


class TestSendNow(MailCase):
    def test_send_now_buttons_take_the_guarded_path(self):
        for view in ("mail.view_mail_form", "mail.view_mail_tree"):
            arch = etree.fromstring(
                self.env["mail.mail"].fields_view_get(view_id=self.env.ref(view).id)["arch"]
            )
            names = arch.xpath("//button/@name")
            self.assertIn("action_send_now", names, view)
            self.assertNotIn("send", names, view)

    def test_send_now_skips_a_mail_being_sent_elsewhere(self):
        busy, free = self.make_mail(email_to="busy@example.com"), self.make_mail(email_to="free@example.com")
        busy.sending_started_date = fields.Datetime.now()
        with mute_logger(*MUTED), real_smtp_delivery():
            (busy | free).action_send_now()
        self.assert_one_mail_to("free@example.com")
        self.assertEqual((busy.state, busy.attempt_count), ("outgoing", 0))
        self.assertEqual((free.state, free.attempt_count), ("sent", 1))

    def test_a_mail_deleted_since_the_batch_was_selected_is_skipped(self):
        # Send Now sent and auto-deleted it while the queue's batch, already
        # split by server (send() reads them all first), held its id: the
        # rest of the batch still goes out.
        gone, kept = self.make_mail(email_to="gone@example.com"), self.make_mail(email_to="kept@example.com")
        batch_ids = [gone.id, kept.id]
        gone.unlink()
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].browse(batch_ids)._send()
        self.assert_one_mail_to("kept@example.com")
        self.assertEqual((kept.state, kept.attempt_count), ("sent", 1))

    def test_send_now_sends_after_the_click_is_committed(self):
        """Outside tests, nothing leaves from within the click's transaction:
        the mail goes out once it is committed, through the queue's path
        (dev/stress.py --quick kills a worker mid Send Now for real)."""
        mail = self.make_mail()
        hooks = []
        with patch.dict(config.options, {"test_enable": False}), patch.object(
            type(self.env.cr), "after", lambda cr, event, func: hooks.append((event, func))
        ), real_smtp_delivery():
            mail.action_send_now()
        self.assertFalse(self.smtp.attempts)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual([event for event, _func in hooks], ["commit"])

    def test_only_a_transaction_holding_nothing_may_commit_a_send(self):
        """Stock sends a chatter post's mail in a cursor of its own, right
        after the poster's commit: there send() may commit per mail (the
        queue's guarantee); inside anyone's transaction it must not."""
        cr = self.registry.cursor()
        try:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertTrue(env["mail.mail"]._mds_transaction_is_empty())
            env["res.partner"].create({"name": "Written before the send"})
            self.assertFalse(env["mail.mail"]._mds_transaction_is_empty())
        finally:
            cr.rollback()
            cr.close()
        self.assertFalse(self.env["mail.mail"]._mds_transaction_is_empty())
