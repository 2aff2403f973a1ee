# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import hashlib
from unittest.mock import patch

from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import SmtpCase, real_smtp_delivery
from .smtp_server import STALL, ScriptedSmtpServer, free_port

# Stock mail_mail logs every failure with a traceback: expected here.
MUTED = (
    "odoo.addons.mail.models.mail_mail",
    "odoo.addons.mail_document_send.models.mail_mail",
    "odoo.addons.base.ir.ir_mail_server",
)


class MailCase(SmtpCase):
    def make_mail(self, **values):
        vals = {
            "subject": "Your document",
            "email_from": "sender@example.com",
            "email_to": "customer@example.com",
            "body_html": "<p>Hello</p>",
            "auto_delete": False,
        }
        vals.update(values)
        return self.env["mail.mail"].create(vals)

    def send(self, mails):
        with mute_logger(*MUTED), real_smtp_delivery():
            mails.send()

    def process_queue(self, mails):
        """The cron's entry point, kept inside the test transaction."""
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].with_context(mail_document_send_no_commit=True).process_email_queue(
                ids=mails.ids
            )

    def journal(self, mail_id):
        return self.env["mail.delivery.log"].search([("mail_id", "=", mail_id)], order="id")


class TestMailRetry(MailCase):
    def test_temporary_failure_is_retried_once_due_and_delivered_once(self):
        mail = self.make_mail()
        message_id = mail.message_id
        self.smtp.script("451 4.3.0 Try again later")
        before = fields.Datetime.from_string(fields.Datetime.now())
        self.send(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.failure_type, "temporary")
        self.assertEqual(mail.failure_smtp_code, 451)
        self.assertEqual(mail.attempt_count, 1)
        wait = fields.Datetime.from_string(mail.next_attempt_date) - before
        self.assertTrue(datetime.timedelta(minutes=4) < wait < datetime.timedelta(minutes=6), wait)
        self.assertIn("retried automatically", mail.failure_reason)

        # Not due yet: the queue leaves it alone.
        self.process_queue(mail)
        self.assertEqual(len(self.smtp.attempts), 1)

        mail.next_attempt_date = fields.Datetime.to_string(before - datetime.timedelta(minutes=1))
        self.process_queue(mail)
        self.assertEqual(mail.state, "sent")
        self.assertEqual(mail.attempt_count, 2)
        self.assertFalse(mail.failure_type)
        received = self.assert_one_mail_to("customer@example.com")
        self.assertEqual(received.message_id, message_id)
        self.assertEqual(self.journal(mail.id).mapped("state"), ["failed", "sent"])
        self.assertEqual(self.journal(mail.id).mapped("attempt"), [1, 2])
        self.assertEqual(set(self.journal(mail.id).mapped("message_id")), {message_id})

    def test_retries_stop_at_max_attempts(self):
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attempts", "2")
        mail = self.make_mail()
        self.smtp.script("450 4.2.1 Mailbox busy", "450 4.2.1 Mailbox busy")
        self.send(mail)
        self.assertEqual(mail.state, "outgoing")
        self.send(mail)
        self.assertEqual((mail.state, mail.failure_type, mail.attempt_count), ("exception", "temporary", 2))
        self.assertFalse(mail.next_attempt_date)
        self.assertFalse(self.smtp.received)

    def test_search_filters_split_refused_from_retries_run_out(self):
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attempts", "1")
        ran_out, refused = self.make_mail(), self.make_mail(email_to="refused@example.com")
        self.smtp.script("450 4.2.1 Mailbox busy", "550 5.7.1 Message rejected as spam")
        self.send(ran_out)
        self.send(refused)
        self.assertEqual((ran_out.state, ran_out.failure_type), ("exception", "temporary"))
        self.assertEqual((refused.state, refused.failure_type), ("exception", "permanent"))
        view = self.env.ref("mail.view_mail_search")
        arch = etree.fromstring(
            self.env["mail.mail"].fields_view_get(view_id=view.id, view_type="search")["arch"]
        )
        mails = ran_out | refused

        def filtered(name):
            domain = safe_eval(arch.xpath("//filter[@name='%s']/@domain" % name)[0])
            return self.env["mail.mail"].search(domain + [("id", "in", mails.ids)])

        self.assertEqual(filtered("exception"), mails)  # stock's "Failed"
        self.assertEqual(filtered("failure_refused"), refused)

    def test_permanent_failure_is_not_retried(self):
        mail = self.make_mail()
        self.smtp.script("550 5.7.1 Message rejected as spam")
        self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_type, mail.failure_smtp_code), ("exception", "permanent", 550)
        )
        self.assertFalse(mail.next_attempt_date)
        self.assertIn("550 5.7.1 Message rejected as spam", mail.failure_smtp_reply)
        self.process_queue(mail)
        self.assertEqual(len(self.smtp.attempts), 1)
        self.assertEqual(self.journal(mail.id).failure_type, "permanent")

    def test_refused_recipient_is_permanent(self):
        mail = self.make_mail(email_to="nobody@example.com")
        self.smtp.refuse("nobody@example.com")
        self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_type, mail.failure_smtp_code), ("exception", "permanent", 550)
        )

    def test_authentication_failure(self):
        server = ScriptedSmtpServer(auth=("odoo", "right")).start()
        self.addCleanup(server.stop)
        record = self.mail_server.copy(
            {"smtp_port": server.port, "smtp_user": "odoo", "smtp_pass": "wrong", "sequence": 50}
        )
        mail = self.make_mail(mail_server_id=record.id)
        self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_type, mail.failure_smtp_code), ("exception", "authentication", 535)
        )
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
        self.assertEqual((mail.state, mail.failure_type, mail.attempt_count), ("outgoing", "temporary", 1))
        self.assertTrue(mail.next_attempt_date)
        self.assertIn("ConnectionRefusedError", mail.failure_smtp_reply)

    def test_timeout_is_temporary(self):
        self.smtp.stall_seconds = 2
        self.addCleanup(setattr, self.smtp, "stall_seconds", 5)
        mail = self.make_mail()
        self.smtp.script(STALL)
        with patch("odoo.addons.base.ir.ir_mail_server.SMTP_TIMEOUT", 0.5):
            self.send(mail)
        self.assertEqual((mail.state, mail.failure_type), ("outgoing", "temporary"))
        # Let the stalled server finish before the next test resets it.
        self.smtp.wait_for(1, timeout=5)

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
                self.assertEqual((mail.state, mail.failure_type), ("outgoing", "temporary"))
                self.assertEqual(mail.failure_smtp_code, int(reply[:3]))
                mail.next_attempt_date = "2000-01-01 00:00:00"
                self.process_queue(mail)
                self.assertEqual((mail.state, mail.attempt_count), ("sent", 2))
                self.assert_one_mail_to("customer@example.com")

    def test_every_5xx_is_permanent(self):
        for reply in ("550 5.7.1 Relaying denied", "553 5.7.1 Sender address rejected", "554 5.7.1 Spam"):
            with self.subTest(reply=reply):
                self.smtp.reset()
                mail = self.make_mail()
                self.smtp.script(reply)
                self.send(mail)
                self.assertEqual(
                    (mail.state, mail.failure_type, mail.failure_smtp_code),
                    ("exception", "permanent", int(reply[:3])),
                )
                self.assertFalse(mail.next_attempt_date)

    def test_tls_required_but_not_offered_is_configuration(self):
        record = self.mail_server.copy({"smtp_encryption": "starttls", "sequence": 50})
        mail = self.make_mail(mail_server_id=record.id)
        self.send(mail)
        self.assertEqual((mail.state, mail.failure_type), ("exception", "configuration"))
        self.assertIn("STARTTLS", mail.failure_smtp_reply)

    def test_ssl_on_a_plain_port_is_configuration(self):
        record = self.mail_server.copy({"smtp_encryption": "ssl", "sequence": 50})
        mail = self.make_mail(mail_server_id=record.id)
        with patch("odoo.addons.base.ir.ir_mail_server.SMTP_TIMEOUT", 2):
            self.send(mail)
        self.assertEqual(mail.failure_type, "configuration", mail.failure_smtp_reply)

    def test_journal_names_the_sender_then_the_retrier(self):
        salesperson = self.env["res.users"].create(
            {
                "name": "Rita Retry",
                "login": "rita_mds",
                "email": "rita@example.com",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        mail = (
            self.env["mail.mail"]
            .sudo(salesperson)
            .create(
                {
                    "subject": "From Rita",
                    "email_from": "rita@example.com",
                    "email_to": "customer@example.com",
                    "body_html": "<p>Hello</p>",
                    "auto_delete": False,
                }
            )
            .sudo()
        )
        self.smtp.script("550 5.1.1 User unknown")
        self.process_queue(mail)
        mail.mark_outgoing()
        self.process_queue(mail)
        self.assertEqual(self.journal(mail.id).mapped("user_id"), salesperson | self.env.user)
        self.assertEqual(self.journal(mail.id).mapped("state"), ["failed", "sent"])
        # The retry restarted the schedule, the journal keeps counting.
        self.assertEqual(self.journal(mail.id).mapped("attempt"), [1, 2])

    def test_manual_retry_restarts_the_schedule(self):
        mail = self.make_mail()
        self.smtp.script("451 4.3.0 Try again later")
        self.send(mail)
        mail.cancel()
        mail.mark_outgoing()
        self.assertEqual((mail.state, mail.attempt_count), ("outgoing", 0))
        self.assertFalse(mail.next_attempt_date)
        self.process_queue(mail)
        self.assertEqual((mail.state, mail.attempt_count), ("sent", 1))


class TestDeliveryJournal(MailCase):
    def test_journal_outlives_auto_delete(self):
        order = self.env.ref("sale.sale_order_2")
        pdf, _fmt = self.env.ref("sale.action_report_saleorder").render_qweb_pdf(order.ids)
        attachment = self.env["ir.attachment"].create(
            {"name": "SO.pdf", "datas_fname": "SO.pdf", "datas": __import__("base64").b64encode(pdf)}
        )
        mail = self.make_mail(
            auto_delete=True, model="sale.order", res_id=order.id, attachment_ids=[(6, 0, attachment.ids)]
        )
        mail_id, message_id = mail.id, mail.message_id
        self.send(mail)
        self.assertFalse(mail.exists())
        received = self.assert_one_mail_to("customer@example.com")
        sent_pdf = [data for _name, data, ctype in received.attachments() if ctype == "application/pdf"][0]
        row = self.journal(mail_id)
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.state, row.message_id, row.model, row.res_id), ("sent", message_id, "sale.order", order.id)
        )
        self.assertIn(hashlib.sha256(sent_pdf).hexdigest(), row.attachments)
        self.assertIn("customer@example.com", row.recipients)
        self.assertEqual(row.user_id, self.env.user)


class TestBulkRetry(MailCase):
    def test_bulk_retry_of_twenty_failed_mails(self):
        mails = self.env["mail.mail"]
        for number in range(20):
            mails |= self.make_mail(email_to="customer%d@example.com" % number)
        self.smtp.script(*["554 5.7.1 Rejected"] * 20)
        self.send(mails)
        self.assertEqual(set(mails.mapped("state")), {"exception"})
        self.assertFalse(self.smtp.received)

        retry = self.env.ref("mail_document_send.mail_mail_action_retry")
        retry.with_context(active_model="mail.mail", active_ids=mails[:5].ids).run()
        self.assertEqual(set(mails[:5].mapped("state")), {"outgoing"})
        self.assertEqual(set(mails[5:].mapped("state")), {"exception"})

        send_now = self.env.ref("mail_document_send.mail_mail_action_retry_send_now")
        with mute_logger(*MUTED), real_smtp_delivery():
            send_now.with_context(active_model="mail.mail", active_ids=mails.ids).run()
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertEqual(len(self.smtp.received), 20)
        self.assertEqual(set(mails.mapped("attempt_count")), {1})


class TestRetrySecurity(MailCase):
    def test_salesperson_cannot_retry_or_cancel(self):
        user = self.env["res.users"].create(
            {
                "name": "Sally Salesperson",
                "login": "sally_mds",
                "email": "sally@example.com",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        mail = self.make_mail()
        self.smtp.script("550 5.1.1 User unknown")
        self.send(mail)
        # Her own mail, so that the record rule lets her write it: what
        # refuses is the administrators-only check, through the buttons'
        # methods and through a plain write of the state alike.
        self.env.cr.execute("UPDATE mail_mail SET create_uid = %s WHERE id = %s", (user.id, mail.id))
        mail.invalidate_cache()
        mail.sudo(user).write({"body_html": "<p>Her own mail: she may edit it.</p>"})
        for method in ("mark_outgoing", "cancel", "action_retry_send_now"):
            with self.assertRaisesRegex(AccessError, "Only administrators", msg=method):
                getattr(mail.sudo(user), method)()
        for state in ("outgoing", "cancel"):
            with self.assertRaisesRegex(AccessError, "Only administrators", msg=state):
                mail.sudo(user).write({"state": state})
        self.assertEqual(mail.state, "exception")
        # The journal row of a mail about no document is for administrators.
        self.assertFalse(self.env["mail.delivery.log"].sudo(user).search([("mail_id", "=", mail.id)]))


class WorkerKilled(BaseException):
    """Not an Exception: nothing in the send path may catch it, like a kill."""


class TestInterruptedSend(MailCase):
    def test_worker_killed_between_smtp_acceptance_and_commit(self):
        order = self.env.ref("sale.sale_order_2").copy()
        mail = self.make_mail(model="sale.order", res_id=order.id)
        cr = self.env.cr

        def commit():
            # What a commit would keep is what survives the "kill" below.
            cr.execute("SAVEPOINT mds_last_commit")

        def killed(*args, **kwargs):
            raise WorkerKilled()

        postprocess = "odoo.addons.mail.models.mail_mail.MailMail._postprocess_sent_message"
        with patch.object(cr, "commit", commit), patch(postprocess, killed):
            with self.assertRaises(WorkerKilled), mute_logger(*MUTED), real_smtp_delivery():
                mail.send(auto_commit=True)
        cr.execute("ROLLBACK TO SAVEPOINT mds_last_commit")
        self.env["mail.mail"].invalidate_cache()
        self.assertEqual(len(self.smtp.received), 1)
        self.assertEqual((mail.state, mail.attempt_count), ("outgoing", 1))
        self.assertTrue(mail.sending_started_date)

        # The queue does not send it again...
        self.process_queue(mail)
        self.assertEqual(len(self.smtp.received), 1)
        # ...and once it is clearly stale, sets it aside for a person.
        mail.sending_started_date = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - datetime.timedelta(hours=1)
        )
        self.process_queue(mail)
        self.assertEqual(len(self.smtp.received), 1)
        self.assertEqual((mail.state, mail.failure_type), ("exception", "unknown"))
        self.assertIn("interrupted", mail.failure_reason)
        self.assertEqual(self.journal(mail.id).mapped("state"), ["failed"])
        # The salesperson is told on the quotation: a note and a to-do.
        self.assertIn("interrupted", order.message_ids[0].body)
        activity_type = self.env.ref("mail_document_send.mail_activity_type_email_failed")
        self.assertEqual(order.activity_ids.mapped("activity_type_id"), activity_type)


class TestJournalRetention(MailCase):
    def test_rows_past_retention_are_dropped(self):
        Log = self.env["mail.delivery.log"]
        now = fields.Datetime.from_string(fields.Datetime.now())
        old = Log.create(
            {"state": "sent", "date": fields.Datetime.to_string(now - datetime.timedelta(days=40))}
        )
        recent = Log.create(
            {"state": "sent", "date": fields.Datetime.to_string(now - datetime.timedelta(days=20))}
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
