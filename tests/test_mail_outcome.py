# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a failed attempt leaves behind besides the mail itself: the server
log, the chatter's envelope, the SMTP connection, and what Send Now does."""

import logging
import threading
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.sql_db import TestCursor
from odoo.tools import mute_logger

from .common import real_smtp_delivery
from .outbox_common import MUTED, MailCase
from .smtp_server import DROP


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
        self.assertEqual(errors[0].name, "odoo.addons.mail_document_send.outbox.outcome")
        self.assertIn("failed for good after 2 attempt(s)", errors[0].getMessage())
        self.assertFalse(errors[0].exc_info)


class TestNotificationStatus(MailCase):
    def test_chatter_envelope_is_ready_while_a_retry_is_queued(self):
        order = self.make_order()
        message, mail = self.post_document(order, self.customer, auto_delete=False, send=False)
        notification = message.notification_ids.filtered(lambda n: n.res_partner_id == self.customer)
        self.assertEqual(notification.notification_status, "ready")

        self.smtp.script("451 4.3.0 Try again later")
        self.send(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(notification.notification_status, "ready")
        self.assertFalse(notification.failure_type)

        self.smtp.script("550 5.1.1 User unknown")
        self.send(mail)
        self.assertEqual(mail.state, "exception")
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "unknown")
        self.assertIn("refused the email for good", notification.failure_reason)

        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(notification.notification_status, "sent")
        self.assertEqual(len(self.smtp.received), 1)


class TestHeaderLines(MailCase):
    def test_a_line_break_in_a_name_never_makes_a_header(self):
        evil = self.env["res.partner"].create(
            {"name": "Evil\r\nBcc: hidden@example.com\u2028X-Evil: 1", "email": "evil@example.com"}
        )
        mail = self.make_mail(
            email_to=False, recipient_ids=[(6, 0, evil.ids)], subject="Hello\r\nBcc: x@example.com"
        )
        self.send(mail)
        received = self.assert_one_mail_to("evil@example.com")
        names = [line.split(":", 1)[0].lower() for line in received.header_lines()]
        self.assertNotIn("bcc", names)
        self.assertNotIn("x-evil", names)
        self.assertEqual(mail.state, "sent")


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
                if answer == DROP:
                    # Dropped once the whole message was sent: the server may
                    # have taken it, set aside for review (not retried).
                    self.assertEqual(mails.mapped("state"), ["exception", "sent", "sent"])
                    self.assertTrue(mails[0].delivery_review_needed)
                else:
                    self.assertEqual(mails.mapped("state"), ["outgoing", "sent", "sent"])
                    self.assertEqual(mails[0].failure_class, "temporary")
                self.assertEqual(
                    sorted(r.rcpt_tos[0] for r in self.smtp.received), ["b@example.com", "c@example.com"]
                )


class TestSendNow(MailCase):
    def test_send_now_buttons_take_the_guarded_path(self):
        for xmlid, view_type in (("mail.view_mail_form", "form"), ("mail.view_mail_tree", "list")):
            arch = self.env["mail.mail"].get_view(self.env.ref(xmlid).id, view_type)["arch"]
            self.assertIn('name="action_send_now"', arch, xmlid)
            self.assertIn('name="action_retry_send_now"', arch, xmlid)
            self.assertNotIn('name="send"', arch, xmlid)

    def test_send_now_skips_a_mail_being_sent_elsewhere(self):
        busy, free = self.make_mail(email_to="busy@example.com"), self.make_mail(email_to="free@example.com")
        busy.sending_started_date = fields.Datetime.now()
        with mute_logger(*MUTED), real_smtp_delivery():
            (busy | free).action_send_now()
        self.assert_one_mail_to("free@example.com")
        self.assertEqual(self.stored(busy, "state", "attempt_count"), ("outgoing", 0))
        self.assertEqual(self.stored(free, "state", "attempt_count"), ("sent", 1))

    def test_a_mail_deleted_since_the_batch_was_selected_is_skipped(self):
        gone, kept = self.make_mail(email_to="gone@example.com"), self.make_mail(email_to="kept@example.com")
        batch_ids = [gone.id, kept.id]
        gone.unlink()
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].browse(batch_ids)._send()
        self.assert_one_mail_to("kept@example.com")
        self.assertEqual((kept.state, kept.attempt_count), ("sent", 1))

    def after_commit_hooks(self, action):
        """Run `action` as outside tests (the thread's `testing` flag down)
        and return the functions it left for after the commit, which the
        test's cursor never runs."""
        hooks = []
        with (
            patch.object(threading.current_thread(), "testing", False),
            patch.object(type(self.env.cr.postcommit), "add", lambda _self, func: hooks.append(func)),
            real_smtp_delivery(),
        ):
            action()
        return hooks

    def run_hook(self, hook, mails):
        """Run an after-commit `hook` for real: its cursor (in test mode, one
        on the test's transaction, whose commits release a savepoint) and its
        send through the real server. Returns, for each of the hook's
        commits, the number of mails the server had then and the state of
        each of `mails` in that commit: "sent", "claimed" (in flight) or
        "outgoing"."""
        commits = []
        real_commit = TestCursor.commit

        def recording_commit(cursor):  # a spy: the real commit runs
            cursor.flush()
            cursor.execute(
                "SELECT id, state, sending_started_date IS NOT NULL FROM mail_mail WHERE id = ANY(%s)",
                [mails.ids],
            )
            states = {
                mail_id: "claimed" if in_flight else state for mail_id, state, in_flight in cursor.fetchall()
            }
            commits.append((len(self.smtp.received), tuple(states.get(mail_id) for mail_id in mails.ids)))
            return real_commit(cursor)

        with patch.object(TestCursor, "commit", recording_commit), mute_logger(*MUTED), real_smtp_delivery():
            hook()
        return commits

    def test_send_now_sends_after_the_click_is_committed(self):
        """Outside tests nothing leaves from within the click's transaction:
        the mail goes out after the commit, through the queue's path
        (dev/stress.py --quick kills a worker mid Send Now for real)."""
        mail = self.make_mail()
        hooks = self.after_commit_hooks(mail.action_send_now)
        self.assertFalse(self.smtp.attempts)
        self.assertEqual(self.stored(mail, "state"), "outgoing")
        self.assertEqual(len(hooks), 1)
        # After the commit: claimed and committed before the server got it.
        commits = self.run_hook(hooks[0], mail)
        received = self.assert_one_mail_to("customer@example.com")
        self.assertEqual(str(received.message["Subject"]), "Your document")
        self.assertIn((0, ("claimed",)), commits)
        self.assertEqual(self.stored(mail, "state", "attempt_count"), ("sent", 1))
        self.assertEqual(self.journal(mail.id).mapped("state"), ["sent"])

    def test_mail_sent_after_a_chatter_post_commits_per_mail(self):
        """Stock sends a chatter post's mails after the poster's commit, in a
        cursor of its own but without auto_commit: the in-flight mark would
        not be committed before the server gets the mail. Here that cursor's
        send commits per mail, as the queue does: each mail claimed in a
        commit before the server gets it, its outcome committed before the
        next one goes."""
        mails = self.make_mail(email_to="a@example.com") | self.make_mail(email_to="b@example.com")
        mails |= self.make_mail(email_to="c@example.com")
        hooks = self.after_commit_hooks(mails.send_after_commit)
        self.assertEqual(len(hooks), 1)
        self.assertFalse(self.smtp.attempts)
        commits = self.run_hook(hooks[0], mails)
        self.assertEqual(
            [r.rcpt_tos for r in self.smtp.received],
            [["a@example.com"], ["b@example.com"], ["c@example.com"]],
        )
        mails.invalidate_recordset()
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        # Before the first mail: its claim alone. Between two mails, one
        # commit: the outcome of the one sent, the claim of the next.
        self.assertIn((0, ("claimed", "outgoing", "outgoing")), commits)
        self.assertEqual(
            [states for received, states in commits if received in (1, 2)],
            [("sent", "claimed", "outgoing"), ("sent", "sent", "claimed")],
        )
        self.assertIn((3, ("sent", "sent", "sent")), commits)


class TestEmailsList(MailCase):
    """Issue 23: Settings > Technical > Emails as an administrator reads it."""

    def test_list_shows_recipients_pending_retries_and_failed_rows(self):
        arch = etree.fromstring(
            self.env["mail.mail"].get_view(self.env.ref("mail.view_mail_tree").id, "list")["arch"]
        )
        self.assertEqual(arch.get("decoration-danger"), "state == 'exception'")
        fields_ = {field.get("name"): field for field in arch.iter("field")}
        self.assertNotIn(fields_["recipient_ids"].get("column_invisible"), ("True", "1", "true"))
        self.assertIn("email_to", fields_)
        self.assertEqual(
            fields_["next_attempt_date"].get("invisible"), "state != 'outgoing' or not attempt_count"
        )

    def test_no_smtp_code_when_the_server_gave_none(self):
        # The whole arch, groups included (the code is shown in debug mode).
        for xmlid in (
            "mail.view_mail_form",
            "mail_document_send.mail_delivery_log_view_form",
            "mail_document_send.mail_delivery_log_view_list",
        ):
            arch = self.env.ref(xmlid)._get_combined_arch()
            (code,) = arch.xpath("//field[@name='failure_smtp_code']")
            self.assertIn("not failure_smtp_code", code.get("invisible"), xmlid)
