# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A real Postfix writes the bounce, its pipe delivers it, dsn.py reads it.

TestPostfixDsn, without Odoo: Postfix runs
on loopback with its own spool under a temporary folder, relays to a
scripted aiosmtpd that refuses the recipient, writes the DSN itself to the
bounce address, and hands it to dev/mailgate.py (--maildir) through a pipe
transport, the way a production server hands bounces to Odoo.

TestPostfixBounceToOdoo closes the loop through Odoo 18: Odoo sends
through Postfix, the DSN comes back through the pipe and dev/mailgate.py's
XML-RPC call to `mail.thread.message_process` on the test server; stock's
`_routing_handle_bounce` marks the notification and the addon's hook marks
the document bounced, with no hand-made DSN anywhere; Postfix's own
"delayed" warning is journalled and leaves the document sent.

If Postfix cannot be installed or started, setUpClass raises
PostfixUnavailable saying why: the class fails, it is never skipped.
"""

import email.utils
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from odoo.tests import BaseCase, HttpCase, tagged

from ..delivery.dsn import DELAYED, FAILED, HARD, SOFT, parse_dsn
from .common import real_smtp_delivery
from .postfix_harness import MAILGATE, PostfixInstance, free_port
from .smtp_server import ScriptedSmtpServer

BOUNCE = "bounce@odoo.test"


def odoo_like_message(message_id, to, size=0):
    """A mail shaped like Odoo 18's (Message-ID from
    generate_tracking_message_id, Return-Path = the bounce alias)."""
    filler = "".join(
        "Line %05d of the attached quotation, as a PDF would weigh.\r\n" % i for i in range(size // 60)
    )
    return (
        "Return-Path: <%(bounce)s>\r\n"
        'From: "Shop SA" <sales@odoo.test>\r\n'
        "To: %(to)s\r\n"
        "Subject: Shop SA Quotation (Ref S00007)\r\n"
        "Message-Id: %(mid)s\r\n"
        "Date: %(date)s\r\n"
        "X-Odoo-Objects: sale.order-7\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hello,\r\n\r\nYour quotation S00007 is attached.\r\n%(filler)s"
    ) % {
        "bounce": BOUNCE,
        "to": ", ".join(to),
        "mid": message_id,
        "date": email.utils.formatdate(),
        "filler": filler,
    }


class TestPostfixDsn(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="mds-postfix-")
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        cls.next_hop = ScriptedSmtpServer().start()
        cls.addClassCleanup(cls.next_hop.stop)
        cls.postfix = PostfixInstance(
            cls.folder,
            relay_port=cls.next_hop.port,
            bounce_address=BOUNCE,
            # A deferred mail is retried every second and warned about
            # after one, so that a "delayed" DSN comes within the test.
            extra_config={
                "delay_warning_time": "1s",
                "queue_run_delay": "1s",
                "minimal_backoff_time": "1s",
                "maximal_backoff_time": "2s",
            },
        )
        cls.postfix.start()
        cls.addClassCleanup(cls.postfix.stop)

    def setUp(self):
        super().setUp()
        self.next_hop.reset()
        self.seen = len(self.postfix.gateway_files())

    def wait_for_bounce(self):
        files = self.postfix.wait_for_gateway(self.seen + 1, timeout=30)
        state = "queue: %s\nlog:\n%s" % (self.postfix.queue(), self.postfix.log()[-3000:])
        self.assertEqual(len(files), self.seen + 1, "no DSN reached the gateway.\n" + state)
        with open(files[-1], "rb") as handle:
            return handle.read()

    def test_refused_recipient_bounces_through_postfix(self):
        message_id = "<611802837501.1795994057.5183-openerp-7-sale.order@odoo.test>"
        self.next_hop.refuse(
            "customer@example.com", "550 5.1.1 <%s>: Recipient address rejected: User unknown"
        )
        # Postfix accepts the mail (250): delivery is not known yet.
        refused = self.postfix.submit(
            BOUNCE, ["customer@example.com"], odoo_like_message(message_id, ["customer@example.com"])
        )
        self.assertEqual(refused, {})
        raw = self.wait_for_bounce()
        self.assertEqual(self.next_hop.received, [], "the next hop refused the recipient")
        report = parse_dsn(raw)
        self.assertIsNotNone(report, raw[:2000])
        self.assertEqual(report.source, "rfc3464")
        self.assertEqual(report.original_message_id, message_id)
        self.assertEqual(report.reporting_mta, self.postfix.hostname)
        (status,) = report.recipients
        self.assertEqual(status.recipient, "customer@example.com")
        self.assertEqual((status.action, status.status, status.severity), (FAILED, "5.1.1", HARD))
        self.assertEqual(
            status.diagnostic_code,
            "550 5.1.1 <customer@example.com>: Recipient address rejected: User unknown",
        )
        self.assertEqual(status.remote_mta, "127.0.0.1")
        # Postfix wrote it to the bounce address, as a multipart/report
        # (what Odoo's _detect_is_bounce recognises).
        headers = email.message_from_bytes(raw)
        self.assertEqual(headers["To"], BOUNCE)
        self.assertEqual(headers.get_content_type(), "multipart/report")
        self.assertIn("MAILER-DAEMON", headers["From"])

    def test_big_mail_comes_back_with_headers_only(self):
        # Above bounce_size_limit (50 kB, less than a quotation's PDF),
        # Postfix returns only the headers: text/rfc822-headers.
        message_id = "<998877.1795994100.42-openerp-42-account.move@odoo.test>"
        self.next_hop.refuse("ap@example.com", "550 5.1.1 <%s>: Recipient address rejected: User unknown")
        self.postfix.submit(
            BOUNCE, ["ap@example.com"], odoo_like_message(message_id, ["ap@example.com"], size=80000)
        )
        raw = self.wait_for_bounce()
        self.assertIn(b"Content-Type: text/rfc822-headers", raw)
        self.assertNotIn(b"Line 01000 of the attached", raw)
        report = parse_dsn(raw)
        self.assertEqual(report.original_message_id, message_id)
        self.assertEqual([(r.recipient, r.status) for r in report.recipients], [("ap@example.com", "5.1.1")])

    def test_one_of_three_recipients_refused(self):
        message_id = "<1234.1795994200.7-openerp-9-sale.order@odoo.test>"
        to = ["buyer@example.com", "gone@example.com", "boss@example.com"]
        self.next_hop.refuse("gone@example.com", "550 5.1.1 <%s>: Recipient address rejected: User unknown")
        self.postfix.submit(BOUNCE, to, odoo_like_message(message_id, to))
        raw = self.wait_for_bounce()
        report = parse_dsn(raw)
        self.assertEqual([r.recipient for r in report.recipients], ["gone@example.com"])
        self.assertEqual(report.recipients[0].severity, HARD)
        # The two others were delivered, in one transaction.
        (delivered,) = self.next_hop.wait_for(1)
        self.assertEqual(sorted(delivered.rcpt_tos), ["boss@example.com", "buyer@example.com"])
        self.assertEqual(delivered.message_id, message_id)

    def test_temporary_refusal_gives_a_delayed_warning(self):
        message_id = "<5555.1795994300.1-openerp-3-sale.order@odoo.test>"
        self.next_hop.refuse("busy@example.com", "450 4.2.1 <%s>: Mailbox busy, try again later")
        self.postfix.submit(BOUNCE, ["busy@example.com"], odoo_like_message(message_id, ["busy@example.com"]))
        raw = self.wait_for_bounce()
        self.assertIn(b"Delayed Mail (still being retried)", raw)
        report = parse_dsn(raw)
        self.assertEqual(report.original_message_id, message_id)
        (status,) = report.recipients
        self.assertEqual(
            (status.recipient, status.action, status.status), ("busy@example.com", DELAYED, "4.2.1")
        )
        self.assertEqual(status.severity, SOFT)
        self.assertIn("Mailbox busy", status.diagnostic_code)


def run_mailgate(args, data, env=None):
    """dev/mailgate.py as a mail server runs it: the mail on stdin."""
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("ODOO_")}
    clean_env.update(env or {})
    return subprocess.run(
        [sys.executable, MAILGATE, *args],
        input=data,
        capture_output=True,
        env=clean_env,
        timeout=60,
        check=False,
    )


class TestMailgate(BaseCase):
    """The gateway's answers to the mail server (sysexits): a bounce is
    never lost because Odoo is down or misconfigured."""

    def test_maildir_writes_the_mail(self):
        with tempfile.TemporaryDirectory() as folder:
            result = run_mailgate(["--maildir", folder], b"Subject: x\r\n\r\nbody\r\n")
            self.assertEqual(result.returncode, 0, result.stderr)
            (name,) = os.listdir(folder)
            with open(os.path.join(folder, name), "rb") as handle:
                self.assertEqual(handle.read(), b"Subject: x\r\n\r\nbody\r\n")

    def test_odoo_unreachable_is_temporary(self):
        # EX_TEMPFAIL: Postfix keeps the bounce in its queue and retries.
        url = "http://127.0.0.1:%d" % free_port()
        result = run_mailgate(
            ["--url", url, "--db", "x", "--user", "2", "--password", "x"], b"Subject: x\r\n\r\n"
        )
        self.assertEqual(result.returncode, 75, result.stderr)
        self.assertIn(b"Odoo unreachable", result.stderr)

    def test_missing_setting_is_temporary(self):
        result = run_mailgate(["--url", "http://127.0.0.1:1"], b"Subject: x\r\n\r\n", env={"ODOO_DB": "x"})
        self.assertEqual(result.returncode, 75, result.stderr)
        self.assertIn(b"missing setting(s): user, password", result.stderr)

    def test_settings_from_file_then_environment(self):
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as conf:
            conf.write("# gateway\nurl = http://127.0.0.1:1\ndb = fromfile\n")
            conf.flush()
            result = run_mailgate(
                ["--config", conf.name], b"Subject: x\r\n\r\n", env={"ODOO_USER": "2", "ODOO_PASSWORD": "p"}
            )
        # Every setting found (file + environment): it got as far as connecting.
        self.assertEqual(result.returncode, 75, result.stderr)
        self.assertIn(b"Odoo unreachable at http://127.0.0.1:1", result.stderr)

    def test_empty_input_is_refused(self):
        self.assertEqual(run_mailgate(["--maildir", "/nonexistent"], b"").returncode, 65)


@tagged("post_install", "-at_install")
class TestPostfixBounceToOdoo(HttpCase):
    """Odoo -> Postfix -> next hop refuses -> Postfix's DSN -> pipe ->
    dev/mailgate.py -> XML-RPC message_process -> the document bounced.

    An HttpCase: the gateway's XML-RPC requests are served by the test
    server on the test's own transaction (registry test mode)."""

    PASSWORD = "mds-mailgate-test"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = tempfile.mkdtemp(prefix="mds-postfix-odoo-")
        cls.addClassCleanup(shutil.rmtree, cls.folder, ignore_errors=True)
        cls.next_hop = ScriptedSmtpServer().start()
        cls.addClassCleanup(cls.next_hop.stop)
        # The bounce address Odoo 18 uses as envelope sender and recognises
        # (_detect_is_bounce): mail.alias.domain's bounce alias.
        alias_domain = cls.env["mail.alias.domain"].create({"name": "odoo.test", "bounce_alias": "bounce"})
        cls.env.company.alias_domain_id = alias_domain
        cls.bounce = alias_domain.bounce_email
        admin = cls.env.ref("base.user_admin")
        admin.password = cls.PASSWORD
        # The gateway reads its credentials from a file, not from argv
        # (visible to every local user in a real setup).
        os.makedirs(cls.folder, exist_ok=True)
        conf = os.path.join(cls.folder, "mailgate.conf")
        with open(conf, "w", encoding="utf-8") as handle:
            handle.write(
                "url = %s\ndb = %s\nuser = %s\npassword = %s\n"
                % (cls.base_url(), cls.env.cr.dbname, admin.login, cls.PASSWORD)
            )
        os.chmod(conf, 0o644)
        os.chmod(cls.folder, 0o755)
        cls.postfix = PostfixInstance(
            os.path.join(cls.folder, "postfix"),
            relay_port=cls.next_hop.port,
            bounce_address=cls.bounce,
            gateway_args=["--config", conf],
            # A deferred mail is retried every second and warned about
            # after one: the "delayed" DSN comes within the test.
            extra_config={
                "delay_warning_time": "1s",
                "queue_run_delay": "1s",
                "minimal_backoff_time": "1s",
                "maximal_backoff_time": "2s",
            },
        )
        cls.postfix.start()
        cls.addClassCleanup(cls.postfix.stop)
        cls.env["ir.mail_server"].search([]).write({"active": False})
        cls.env["ir.mail_server"].create(
            {
                "name": "Test Postfix",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.postfix.port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )

    PIPE_DONE = re.compile(r"relay=odoo, .*status=(sent|deferred|bounced)")

    def setUp(self):
        super().setUp()
        # One Postfix for the class: count this test's deliveries only.
        self.pipes_before = len(self.PIPE_DONE.findall(self.postfix.log()))

    def wait_for_pipe(self, count, timeout=30):
        """Wait until Postfix's pipe handed `count` mails to the gateway
        in this test and the gateway returned: the XML-RPC call has been
        served."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.PIPE_DONE.findall(self.postfix.log())[self.pipes_before :]
            if len(done) >= count:
                return done
            time.sleep(0.2)
        self.fail("the gateway did not return in %ss.\nlog:\n%s" % (timeout, self.postfix.log()[-3000:]))

    def test_refused_recipient_bounce_reaches_odoo(self):
        customer = self.env["res.partner"].create(
            {"name": "Gone Customer", "email": "gone.customer@example.com"}
        )
        order = self.env["sale.order"].create({"partner_id": customer.id})
        activity_type = self.env.ref("mail_document_send.mail_activity_type_email_failed")
        self.next_hop.refuse(customer.email, "550 5.1.1 <%s>: Recipient address rejected: User unknown")
        # Postfix may pipe the DSN back while this thread still writes the
        # outcome on the test cursor, which the gateway's request shares:
        # the request waits for the test lock (else psycopg2 "no results to
        # fetch" in its login).
        with self.registry.test_lock, real_smtp_delivery():
            message = order.message_post(
                body="Your quotation",
                partner_ids=customer.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.env["mail.mail"].process_email_queue()
            # Still under the lock: the DSN may come back any moment, and its
            # request would share the cursor these reads use.
            notification = message.notification_ids.filtered(lambda n: n.res_partner_id == customer)
            # Postfix said 250: for Odoo the mail is sent.
            self.assertEqual(notification.notification_status, "sent")
            self.assertEqual(customer.message_bounce, 0)
            self.assertEqual(order.email_delivery_state, "sent")
        (status,) = self.wait_for_pipe(1)
        self.assertEqual(status, "sent", self.postfix.log()[-3000:])
        self.env.invalidate_all()
        # Stock 18's bookkeeping, from the DSN Postfix itself wrote.
        self.assertEqual(notification.notification_status, "bounce")
        self.assertEqual(notification.failure_type, "mail_bounce")
        self.assertEqual(customer.message_bounce, 1)
        # The addon's: the document bounced, the DSN journalled, one to-do.
        self.assertEqual(order.email_delivery_state, "bounced")
        (row,) = self.env["mail.delivery.log"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("state", "=", "bounced")]
        )
        self.assertEqual((row.message_id, row.recipients), (message.message_id, customer.email))
        self.assertEqual((row.dsn_action, row.dsn_status), ("failed", "5.1.1"))
        self.assertEqual(row.dsn_reporting_mta, self.postfix.hostname)
        self.assertEqual(row.dsn_remote_mta, "127.0.0.1")
        self.assertIn("Recipient address rejected: User unknown", row.dsn_diagnostic)
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        self.assertEqual(len(activity), 1)
        self.assertIn("User unknown", str(activity.note))
        # The same DSN, read by delivery/dsn.py, names the recipient and the
        # Message-ID Odoo stored: what the bounce hook will match.
        log = self.postfix.log()
        self.assertIn("to=<%s>" % self.bounce, log)
        self.assertIn("message-id=%s" % message.message_id, log)

    def test_delayed_mail_stays_sent(self):
        """Postfix's own "delayed" warning: journalled, the document stays
        sent, stock does not count it as a bounce."""
        customer = self.env["res.partner"].create(
            {"name": "Busy Customer", "email": "busy.customer@example.com"}
        )
        order = self.env["sale.order"].create({"partner_id": customer.id})
        self.next_hop.refuse(customer.email, "450 4.2.1 <%s>: Mailbox busy, try again later")
        # Postfix may pipe the DSN back while this thread still writes the
        # outcome on the test cursor, which the gateway's request shares:
        # the request waits for the test lock (else psycopg2 "no results to
        # fetch" in its login).
        with self.registry.test_lock, real_smtp_delivery():
            message = order.message_post(
                body="Your quotation",
                partner_ids=customer.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.env["mail.mail"].process_email_queue()
        (status,) = self.wait_for_pipe(1)
        self.assertEqual(status, "sent", self.postfix.log()[-3000:])
        self.env.invalidate_all()
        (row,) = self.env["mail.delivery.log"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id), ("state", "in", ("bounced", "delayed"))]
        )
        self.assertEqual((row.state, row.dsn_action, row.dsn_status), ("delayed", "delayed", "4.2.1"))
        self.assertEqual((row.message_id, row.recipients), (message.message_id, customer.email))
        self.assertEqual(row.dsn_reporting_mta, self.postfix.hostname)
        self.assertIn("Mailbox busy", row.dsn_diagnostic)
        self.assertEqual(order.email_delivery_state, "sent")
        self.assertFalse(order.activity_ids)
        self.assertEqual(customer.message_bounce, 0)
        notification = message.notification_ids.filtered(lambda n: n.res_partner_id == customer)
        self.assertEqual(notification.notification_status, "sent")

    def test_wrong_password_keeps_the_mail_queued(self):
        # A wrong password is an administrator's fix: EX_TEMPFAIL, so that
        # Postfix keeps the bounce instead of returning it to the postmaster.
        path = os.path.join(os.path.dirname(__file__), "dsn_samples", "postfix_real_refused.eml")
        with open(path, "rb") as handle:
            raw = handle.read()
        args = [
            "--url",
            self.base_url(),
            "--db",
            self.env.cr.dbname,
            "--user",
            "admin",
            "--password",
            "wrong",
        ]
        result = run_mailgate(args, raw)
        self.assertEqual(result.returncode, 75, result.stderr)
        self.assertIn(b"Odoo refused the login", result.stderr)
