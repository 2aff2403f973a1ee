# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import hashlib
import smtplib
import warnings
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.tests import Form, freeze_time, new_test_user
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import real_smtp_delivery
from .outbox_common import MUTED, MailCase
from .smtp_server import ACCEPT_THEN_DROP, ACCEPT_THEN_STALL, STALL, ScriptedSmtpServer, free_port

MINUTE = datetime.timedelta(minutes=1)
# The test server asks for a password on a plain connection on purpose
# (a 535 to classify); aiosmtpd warns about it at every connection.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS", category=UserWarning)


class TestMailRetry(MailCase):
    def test_temporary_failure_is_retried_once_due_and_delivered_once(self):
        mail = self.make_mail()
        message_id = mail.message_id
        self.smtp.script("451 4.3.0 Try again later")
        start = datetime.datetime(2026, 3, 2, 9, 0, 0)
        with freeze_time(start):
            self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_smtp_code), ("outgoing", "temporary", 451)
        )
        self.assertEqual(mail.failure_type, "unknown")
        self.assertEqual(mail.attempt_count, 1)
        self.assertEqual(mail.next_attempt_date, start + 5 * MINUTE)
        self.assertIn("retried automatically", mail.failure_reason)
        self.assertIn("451 4.3.0 Try again later", mail.failure_smtp_reply)

        # Not due yet: the queue leaves it alone.
        with freeze_time(start + 4 * MINUTE):
            self.process_queue()
        self.assertEqual(len(self.smtp.attempts), 1)
        # Due: the queue sends it, once, under the same Message-ID.
        with freeze_time(start + 6 * MINUTE):
            self.process_queue()
        self.assertEqual((mail.state, mail.attempt_count), ("sent", 2))
        self.assertFalse(mail.failure_class)
        received = self.assert_one_mail_to("customer@example.com")
        self.assertEqual(received.message_id, message_id)
        journal = self.journal(mail.id)
        self.assertEqual(journal.mapped("state"), ["failed", "sent"])
        self.assertEqual(journal.mapped("attempt"), [1, 2])
        self.assertEqual(set(journal.mapped("message_id")), {message_id})
        self.assertEqual(journal[0].failure_smtp_code, 451)

    def test_schedule_grows_then_fails_for_good_at_max_attempts(self):
        mail = self.make_mail()
        now = datetime.datetime(2026, 3, 2, 9, 0, 0)
        waits = []
        for _attempt in range(5):
            self.smtp.script("450 4.2.1 Mailbox busy")
            with freeze_time(now):
                self.process_queue()
            if mail.state != "outgoing":
                break
            waits.append(mail.next_attempt_date - now)
            now = mail.next_attempt_date
        self.assertEqual(waits, [5 * MINUTE, 15 * MINUTE, 60 * MINUTE, 240 * MINUTE])
        self.assertEqual((mail.state, mail.failure_class, mail.attempt_count), ("exception", "temporary", 5))
        self.assertFalse(mail.next_attempt_date)
        self.assertIn("no automatic retry is left after 5 attempts", mail.failure_reason)
        # Not also "it will be retried automatically": it will not.
        self.assertNotIn("retried automatically", mail.failure_reason)
        self.assertFalse(self.smtp.received)

    def test_max_attempts_parameter(self):
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attempts", "2")
        mail = self.make_mail()
        self.smtp.script("450 4.2.1 Mailbox busy", "450 4.2.1 Mailbox busy")
        self.send(mail)
        self.assertEqual(mail.state, "outgoing")
        self.send(mail)
        self.assertEqual((mail.state, mail.failure_class, mail.attempt_count), ("exception", "temporary", 2))

    def test_due_retry_triggers_the_mail_cron(self):
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search([])
        mail = self.make_mail()
        self.smtp.script("451 4.3.0 Try again later")
        self.send(mail)
        # The trigger stock's cron runner reads (ir.cron.trigger rows), at
        # the retry's due date.
        triggers = Trigger.search([]) - before
        self.assertEqual(len(triggers), 1)
        self.assertEqual(triggers.cron_id, cron)
        self.assertEqual(triggers.call_at, self.stored(mail, "next_attempt_date"))

    def test_queue_run_never_raises(self):
        """Odoo deactivates a cron that keeps failing: the queue's cron must
        not fail because of the addon's bookkeeping, and still sends."""
        mail = self.make_mail()
        flag = "odoo.addons.mail_document_send.outbox.interrupted.flag_interrupted"
        with patch(flag, side_effect=RuntimeError("bookkeeping broke")):
            self.process_queue()
        self.assertEqual(mail.state, "sent")
        self.assert_one_mail_to("customer@example.com")

    def test_every_4xx_is_retried_then_delivered_once(self):
        for reply in (
            "421 4.7.0 Try again later, closing channel",
            "450 4.2.1 Mailbox busy",
            "451 4.3.0 Local error",
            "452 4.3.1 Insufficient system storage",
        ):
            with self.subTest(reply=reply):
                self.smtp.reset()
                mail = self.make_mail()
                self.smtp.script(reply)
                self.send(mail)
                self.assertEqual((mail.state, mail.failure_class), ("outgoing", "temporary"))
                self.assertEqual(mail.failure_smtp_code, int(reply[:3]))
                with freeze_time(fields.Datetime.now() + 6 * MINUTE):
                    self.process_queue(mail)
                self.assertEqual((mail.state, mail.attempt_count), ("sent", 2))
                self.assert_one_mail_to("customer@example.com")

    def test_every_5xx_is_permanent_and_never_retried(self):
        for reply in ("550 5.7.1 Relaying denied", "553 5.7.1 Sender address rejected", "554 5.7.1 Spam"):
            with self.subTest(reply=reply):
                self.smtp.reset()
                mail = self.make_mail()
                self.smtp.script(reply)
                self.send(mail)
                self.assertEqual(
                    (mail.state, mail.failure_class, mail.failure_smtp_code),
                    ("exception", "permanent", int(reply[:3])),
                )
                self.assertFalse(mail.next_attempt_date)
                self.assertIn(reply, mail.failure_smtp_reply)
                self.assertIn("refused the email for good", mail.failure_reason)
                with freeze_time(fields.Datetime.now() + datetime.timedelta(days=2)):
                    self.process_queue()
                self.assertEqual(len(self.smtp.attempts), 1)
                self.assertEqual(self.journal(mail.id).failure_class, "permanent")

    def test_refused_recipient_is_permanent(self):
        mail = self.make_mail(email_to="nobody@example.com")
        self.smtp.refuse("nobody@example.com")
        self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_smtp_code), ("exception", "permanent", 550)
        )

    def test_too_large(self):
        mail = self.make_mail()
        self.smtp.script("552 5.3.4 Message size exceeds fixed maximum message size")
        self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_smtp_code), ("exception", "too_large", 552)
        )
        self.assertIn("too large", mail.failure_reason)

    def test_authentication_failure(self):
        server = ScriptedSmtpServer(auth=("odoo", "right")).start()
        self.addCleanup(server.stop)
        record = self.mail_server.copy(
            {"smtp_port": server.port, "smtp_user": "odoo", "smtp_pass": "wrong", "sequence": 50}
        )
        mail = self.make_mail(mail_server_id=record.id)
        self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_smtp_code), ("exception", "authentication", 535)
        )
        # Stock's own type stays right for the chatter and resend wizard.
        self.assertEqual(mail.failure_type, "mail_smtp")
        self.assertIn("refused our login", mail.failure_reason)
        self.assertFalse(server.received)
        # The auth path of the scripted server works both ways.
        record.smtp_pass = "right"
        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(mail.state, "sent")
        self.assertEqual(len(server.received), 1)

    def test_connection_refused_is_temporary(self):
        record = self.mail_server.copy({"smtp_port": free_port(), "sequence": 50})
        mail = self.make_mail(mail_server_id=record.id)
        self.send(mail)
        self.assertEqual((mail.state, mail.failure_class, mail.attempt_count), ("outgoing", "temporary", 1))
        self.assertEqual(mail.failure_type, "mail_smtp")
        self.assertTrue(mail.next_attempt_date)
        self.assertIn("ConnectionRefusedError", mail.failure_smtp_reply)
        self.assertEqual(self.journal(mail.id).failure_class, "temporary")

    def stalling_server(self, seconds=2):
        self.smtp.stall_seconds = seconds
        self.addCleanup(setattr, self.smtp, "stall_seconds", 5)
        return patch("odoo.addons.base.models.ir_mail_server.SMTP_TIMEOUT", 0.5)

    def test_timeout_before_the_message_end_is_temporary(self):
        """The server stalls on RCPT TO: the message never went out, the
        retry cannot deliver it twice."""
        mail = self.make_mail()
        self.smtp.refuse("customer@example.com", STALL)
        with self.stalling_server():
            self.send(mail)
        self.assertEqual((mail.state, mail.failure_class), ("outgoing", "temporary"))
        self.assertFalse(mail.delivery_review_needed)
        self.assertTrue(mail.next_attempt_date)
        self.assertFalse(self.smtp.received)

    def assert_set_aside_for_review(self, mail):
        """The server kept the message, the sender never got its verdict:
        failed, flagged for review, journaled so, never sent again."""
        self.assertEqual(len(self.smtp.wait_for(1, timeout=5)), 1)
        self.assertEqual(
            (mail.state, mail.failure_class, mail.delivery_review_needed), ("exception", "unknown", True)
        )
        self.assertFalse(mail.next_attempt_date)
        self.assertFalse(mail.sending_started_date)
        self.assertIn("may have accepted it", mail.failure_reason)
        journal = self.journal(mail.id)
        self.assertEqual(journal.mapped("state"), ["failed"])
        self.assertTrue(journal.review_needed)
        self.assertIn("may have accepted it", journal.failure_reason)
        self.smtp.reset()
        with freeze_time(fields.Datetime.now() + datetime.timedelta(days=1)):
            self.process_queue()
        self.assertFalse(self.smtp.attempts)
        self.assertEqual(mail.state, "exception")

    def test_timeout_after_the_whole_message_is_set_aside_for_review(self):
        """The server keeps the whole message, then answers nothing until
        the sender times out (its 250 comes too late): a live worker must
        not send it again blindly."""
        mail = self.make_mail()
        self.smtp.script(ACCEPT_THEN_STALL)
        with self.stalling_server():
            self.process_queue(mail)
        self.assert_set_aside_for_review(mail)

    def test_dropped_after_the_whole_message_is_set_aside_for_review(self):
        mail = self.make_mail()
        self.smtp.script(ACCEPT_THEN_DROP)
        self.send(mail)
        self.assert_set_aside_for_review(mail)

    def test_tls_required_but_not_offered_is_configuration(self):
        record = self.mail_server.copy({"smtp_encryption": "starttls", "sequence": 50})
        mail = self.make_mail(mail_server_id=record.id)
        self.send(mail)
        self.assertEqual((mail.state, mail.failure_class), ("exception", "configuration"))
        self.assertIn("STARTTLS", mail.failure_smtp_reply)
        self.assertIn("not set up correctly", mail.failure_reason)

    def test_ssl_on_a_plain_port_is_configuration(self):
        record = self.mail_server.copy({"smtp_encryption": "ssl", "sequence": 50})
        mail = self.make_mail(mail_server_id=record.id)
        with patch("odoo.addons.base.models.ir_mail_server.SMTP_TIMEOUT", 2):
            self.send(mail)
        self.assertEqual(mail.failure_class, "configuration", mail.failure_smtp_reply)

    def test_search_filters_split_refused_from_retries_run_out(self):
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attempts", "1")
        ran_out, refused = self.make_mail(), self.make_mail(email_to="refused@example.com")
        self.smtp.script("450 4.2.1 Mailbox busy", "550 5.7.1 Message rejected as spam")
        self.send(ran_out)
        self.send(refused)
        self.assertEqual((ran_out.state, ran_out.failure_class), ("exception", "temporary"))
        self.assertEqual((refused.state, refused.failure_class), ("exception", "permanent"))
        arch = etree.fromstring(self.env["mail.mail"].get_view(view_type="search")["arch"])
        mails = ran_out | refused

        def filtered(name):
            domain = safe_eval(arch.xpath("//filter[@name='%s']/@domain" % name)[0])
            return self.env["mail.mail"].search(domain + [("id", "in", mails.ids)])

        self.assertEqual(filtered("exception"), mails)  # stock's "Failed"
        self.assertEqual(filtered("failure_refused"), refused)

    def test_journal_names_the_sender_then_the_retrier(self):
        salesperson = new_test_user(self.env, login="rita_mds", groups="sales_team.group_sale_salesman")
        # Created by Rita (a send from a list creates the mails as the user).
        mail = self.make_mail()
        self.env.cr.execute("UPDATE mail_mail SET create_uid = %s WHERE id = %s", (salesperson.id, mail.id))
        mail.invalidate_recordset()
        self.smtp.script("550 5.1.1 User unknown")
        self.process_queue()
        mail.mark_outgoing()
        self.process_queue()
        journal = self.journal(mail.id)
        self.assertEqual(journal.mapped("user_id"), salesperson | self.env.user)
        self.assertEqual(journal.mapped("state"), ["failed", "sent"])
        self.assertEqual(journal.mapped("attempt"), [1, 2])

    def test_manual_retry_restarts_the_schedule(self):
        mail = self.make_mail()
        self.smtp.script("451 4.3.0 Try again later")
        self.send(mail)
        mail.cancel()
        self.assertEqual(mail.state, "cancel")
        mail.mark_outgoing()
        self.assertEqual((mail.state, mail.attempt_count), ("outgoing", 0))
        self.assertFalse(mail.next_attempt_date)
        self.process_queue(mail)
        self.assertEqual((mail.state, mail.attempt_count), ("sent", 1))
        # The journal keeps counting over the manual retry.
        self.assertEqual(self.journal(mail.id).mapped("attempt"), [1, 2])


class TestDeliveryJournal(MailCase):
    def test_journal_outlives_auto_delete_with_the_pdf_sent(self):
        order = self.make_order()
        pdf = self.pdf_of(order)
        name = "Quotation - %s.pdf" % order.name
        message, mail = self.post_document(order, self.customer, auto_delete=True, attachment=(name, pdf))
        self.assertEqual(len(mail), 1)
        mail_id, message_id = mail.id, message.message_id
        self.assertFalse(mail.exists())
        received = self.assert_one_mail_to("customer@example.com")
        self.assertEqual(received.message_id, message_id)
        ((sent_name, sent_pdf, ctype),) = received.attachments()
        self.assertEqual((sent_name, ctype), (name, "application/pdf"))
        self.assertTrue(sent_pdf.startswith(b"%PDF"))
        row = self.journal(mail_id)
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.state, row.message_id, row.model, row.res_id, row.record_name),
            ("sent", message_id, "sale.order", order.id, order.display_name),
        )
        self.assertEqual(
            row.attachments,
            "%s | %d bytes | SHA-256 %s" % (name, len(sent_pdf), hashlib.sha256(sent_pdf).hexdigest()),
        )
        self.assertIn("customer@example.com", row.recipients)
        self.assertEqual(row.user_id, self.env.user)
        self.assertEqual(order.email_delivery_log_count, 1)
        action = order.action_view_email_delivery_log()
        self.assertEqual(self.env["mail.delivery.log"].search(action["domain"]), row)

    def test_stock_invoice_send_is_journaled_with_the_pdf_sent(self):
        """Odoo 18's own invoice send wizard (auto-delete template): the
        journal row names the invoice and hashes the PDF the server got."""
        invoice = self.make_invoice()
        action = invoice.action_invoice_sent()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        with mute_logger(*MUTED), real_smtp_delivery():
            wizard.action_send_and_print()
        self.flush_mail_queue()
        (received,) = [mail for mail in self.smtp.received if "customer@example.com" in mail.rcpt_tos]
        pdfs = [(name, data) for name, data, _type in received.attachments() if data.startswith(b"%PDF")]
        self.assertEqual(len(pdfs), 1)
        rows = self.env["mail.delivery.log"].search(
            [("model", "=", "account.move"), ("res_id", "=", invoice.id)]
        )
        (row,) = rows.filtered(lambda row: "customer@example.com" in row.recipients)
        self.assertEqual((row.state, row.message_id), ("sent", received.message_id))
        name, data = pdfs[0]
        self.assertIn(
            "%s | %d bytes | SHA-256 %s" % (name, len(data), hashlib.sha256(data).hexdigest()),
            row.attachments,
        )
        invoice.invalidate_recordset(["email_delivery_state"])
        self.assertEqual(invoice.email_delivery_state, "sent")


class TestBulkRetry(MailCase):
    def test_bulk_retry_of_twenty_failed_mails(self):
        mails = self.env["mail.mail"]
        for number in range(20):
            mails |= self.make_mail(email_to="customer%d@example.com" % number)
        self.smtp.script(*["554 5.7.1 Rejected"] * 20)
        self.send(mails)
        self.assertEqual(set(mails.mapped("state")), {"exception"})
        self.assertFalse(self.smtp.received)

        # The list's Retry (stock action_retry): queued again, due at once.
        mails[:5].action_retry()
        self.assertEqual(set(mails[:5].mapped("state")), {"outgoing"})
        self.assertEqual(set(mails[:5].mapped("attempt_count")), {0})
        self.assertEqual(set(mails[5:].mapped("state")), {"exception"})

        send_now = self.env.ref("mail_document_send.mail_mail_action_retry_send_now")
        with mute_logger(*MUTED), real_smtp_delivery():
            send_now.with_context(active_model="mail.mail", active_ids=mails.ids).run()
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertEqual(len(self.smtp.received), 20)
        self.assertEqual(
            sorted(r.rcpt_tos[0] for r in self.smtp.received),
            sorted("customer%d@example.com" % n for n in range(20)),
        )
        self.assertEqual(set(mails.mapped("attempt_count")), {1})


class TestInterruptedSend(MailCase):
    def test_worker_killed_between_smtp_acceptance_and_commit(self):
        """The in-process version of dev/stress.py --quick: what a commit
        keeps is what survives the "kill" after the server took the mail."""
        order = self.make_order()
        _message, mail = self.post_document(order, self.customer, auto_delete=False, send=False)
        cr = self.env.cr

        def commit():
            cr.flush()
            cr.execute("SAVEPOINT mds_last_commit")

        class WorkerKilled(BaseException):
            """Not an Exception: nothing in the send path may catch it."""

        real_send, real_getreply = smtplib.SMTP.send, smtplib.SMTP.getreply
        sent_whole_message = []

        # The "kill" comes with the server's yes to the message, whichever
        # way it was sent (stock's send_message, the queue's own exchange).
        def send(smtp, data):
            sent_whole_message.append(isinstance(data, bytes) and data.endswith(b"\r\n.\r\n"))
            return real_send(smtp, data)

        def getreply(smtp):
            code, reply = real_getreply(smtp)
            if code == 250 and sent_whole_message and sent_whole_message[-1]:
                raise WorkerKilled()
            return code, reply

        # Not assertRaises: Odoo's rolls back to a savepoint of its own,
        # taken before the "commits" this test keeps.
        killed_at_last = False
        with (
            patch.object(cr, "commit", commit),
            patch.object(smtplib.SMTP, "send", send),
            patch.object(smtplib.SMTP, "getreply", getreply),
        ):
            try:
                with mute_logger(*MUTED), real_smtp_delivery():
                    mail.send(auto_commit=True)
            except WorkerKilled:
                killed_at_last = True
        self.assertTrue(killed_at_last)
        cr.execute("ROLLBACK TO SAVEPOINT mds_last_commit")
        # What the killed worker had not flushed is gone with it.
        self.env.invalidate_all(flush=False)
        self.assertEqual(len(self.smtp.received), 1)
        self.assertEqual((mail.state, mail.attempt_count), ("outgoing", 1))
        self.assertTrue(mail.sending_started_date)
        self.assertEqual(order.email_delivery_state, "queued")

        # The queue does not send it again...
        self.process_queue()
        self.assertEqual(len(self.smtp.received), 1)
        # ...and once it is clearly stale, sets it aside for a person.
        with freeze_time(mail.sending_started_date + datetime.timedelta(minutes=11)):
            self.process_queue()
        self.assertEqual(len(self.smtp.received), 1)
        self.assertEqual((mail.state, mail.failure_class), ("exception", "unknown"))
        self.assertTrue(mail.delivery_review_needed)
        self.assertIn("interrupted", mail.failure_reason)
        journal = self.journal(mail.id)
        self.assertEqual((journal.state, journal.review_needed, journal.attempt), ("failed", True, 1))
        # The salesperson is told on the quotation: a note and a to-do.
        self.assertIn("interrupted", str(order.message_ids[0].body))
        activity_type = self.env.ref("mail_document_send.mail_activity_type_email_failed")
        self.assertEqual(order.activity_ids.activity_type_id, activity_type)
        order.invalidate_recordset(["email_delivery_state"])
        self.assertEqual(order.email_delivery_state, "failed")


class TestJournalRetention(MailCase):
    def test_rows_past_retention_are_dropped(self):
        Log = self.env["mail.delivery.log"]
        now = fields.Datetime.now()
        old = Log.create({"state": "sent", "date": now - datetime.timedelta(days=40)})
        recent = Log.create({"state": "sent", "date": now - datetime.timedelta(days=20)})
        self.assertEqual(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("mail_document_send.delivery_log_retention_days"),
            "730",
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "mail_document_send.delivery_log_retention_days", "30"
        )
        self.env.ref("mail_document_send.mail_delivery_log_cron_clean").method_direct_trigger()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        self.env["ir.config_parameter"].sudo().set_param(
            "mail_document_send.delivery_log_retention_days", "0"
        )
        self.assertEqual(Log._cron_clean(), 0)
        self.assertTrue(recent.exists())
