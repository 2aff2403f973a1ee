# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Claims: several runners on one database never send the same mail.

Exactly-once across real processes that commit is proved by
dev/stress.py --runners (make test runs a 2-runner version, make stress 3
runners on 2,000 mails); here, the claim itself, with independent
transactions on committed rows (the failed mails of the template database,
or mails committed for one test and deleted after it), and every path that
sends."""

import datetime
import os
import socket
import threading
import time
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import BaseCase, freeze_time
from odoo.tools import mute_logger

from ..delivery import attempt
from ..outbox.claims import Claims
from .common import real_smtp_delivery
from .outbox_common import MUTED, MailCase

OTHER_RUNNER = "other-server:4242"


def claim(mails, due=False, **options):
    """`mails` claimed by this runner (outbox/claims.py)."""
    return Claims(mails, due=due).claim(mails.ids, **options)


class TestRunnerId(BaseCase):
    def test_runner_is_host_and_pid(self):
        self.assertEqual(attempt.runner_id("odoo-2", 314), "odoo-2:314")
        self.assertEqual(attempt.runner_id(), "%s:%d" % (socket.gethostname(), os.getpid()))


class TestMailClaim(MailCase):
    def claimed_elsewhere(self, mail):
        """What another runner's committed claim leaves on a mail."""
        mail.write({"sending_started_date": fields.Datetime.now(), "sending_runner": OTHER_RUNNER})
        return mail

    def test_claim_marks_counts_and_names_the_runner_once(self):
        free = self.make_mail() | self.make_mail()
        busy = self.claimed_elsewhere(self.make_mail())
        sent = self.make_mail()
        sent.write({"state": "sent"})
        Mail = self.env["mail.mail"]
        claimed = claim(free | busy | sent)
        self.assertEqual(claimed, free)
        # What the database holds, not what this test wrote in the cache.
        (free | busy).invalidate_recordset()
        for mail in free:
            self.assertTrue(mail.sending_started_date)
            self.assertEqual((mail.sending_runner, mail.attempt_count), (attempt.runner_id(), 1))
        self.assertEqual((busy.sending_runner, busy.attempt_count), (OTHER_RUNNER, 0))
        # A mail is claimed once: the next runner, or the same one, gets nothing.
        self.assertFalse(claim(free | busy | sent))
        free.invalidate_recordset()
        self.assertEqual(set(free.mapped("attempt_count")), {1})
        # The lowest ids first, `limit` at most.
        more = self.make_mail() | self.make_mail()
        self.assertEqual(claim(Mail.browse(more.ids[::-1]), limit=1), more[0])

    def test_queue_claims_only_due_mails_send_now_any(self):
        later = self.make_mail(scheduled_date=fields.Datetime.now() + datetime.timedelta(hours=1))
        # A retry rescheduled by another runner since this one's batch was
        # selected: the queue's claim leaves it to its due date.
        self.assertFalse(claim(later, due=True))
        with freeze_time(fields.Datetime.now() + datetime.timedelta(hours=2)):
            self.assertEqual(claim(later, due=True), later)
        other = self.make_mail(scheduled_date=fields.Datetime.now() + datetime.timedelta(hours=1))
        self.assertEqual(claim(other, due=False), other)

    def test_two_runners_never_claim_the_same_mail(self):
        """Runner A claims and holds its locks (not committed); runner B,
        another transaction, claims the same mails at once: it gets the
        others, without waiting for A. A test cannot commit, so both claim
        the failed mails the template database committed, the only rows two
        transactions of a test both see."""
        self.env.cr.execute("SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id")
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.assertGreaterEqual(len(ids), 4, "the template database has failed mails")
        # Runner A: a connection of its own.
        cr_a = self.own_cursor()
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        claimed_a = claim(env_a["mail.mail"].browse(ids), limit=2, states=("exception",))
        self.assertEqual(claimed_a.ids, ids[:2])
        # Runner B, the test's transaction: a claim that waited for A's
        # locks would fail here after 2 s instead of hanging the suite.
        self.env.cr.execute("SET lock_timeout = '2s'")
        try:
            with self.env.cr.savepoint():
                claimed_b = claim(self.env["mail.mail"].browse(ids), states=("exception",))
        finally:
            self.env.cr.execute("RESET lock_timeout")
        self.assertEqual(claimed_b.ids, ids[2:])
        self.assertFalse(set(claimed_a.ids) & set(claimed_b.ids))
        # A's claims are A's: B did not touch them (A still holds them).
        cr_a.execute(
            "SELECT count(*) FROM mail_mail WHERE id = ANY(%s) AND sending_runner IS NOT NULL", [ids[:2]]
        )
        self.assertEqual(cr_a.fetchone()[0], 2)

    def test_a_claim_meeting_a_newer_commit_claims_again_on_a_fresh_snapshot(self):
        """REPEATABLE READ, for real: another transaction changes a mail and
        commits after the claim's snapshot was taken; the claim fails with a
        serialization error. The queue (auto_commit) has nothing pending at
        that point: it rolls back and claims again on a fresh snapshot."""
        (mail_id,) = self.committed_mails(1)
        cr_a, cr_b, cr_watch = self.own_cursor(), self.own_cursor(), self.own_cursor()
        # Runner A (the queue's cursor) waits 10 s for a lock at most: a
        # broken test fails instead of hanging the suite.
        cr_a.execute("SET lock_timeout = '10s'; SELECT pg_backend_pid()")
        pid_a = cr_a.fetchone()[0]
        cr_a.commit()
        # B (an administrator editing the mail) writes the row and holds,
        # until it commits, a table lock A's UPDATE waits for: the instant
        # between the claim's snapshot and its row lock, held open.
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        env_b["mail.mail"].browse(mail_id).write({"email_to": "changed@example.com"})
        env_b.flush_all()
        cr_b.execute("LOCK TABLE mail_mail IN SHARE MODE")
        waited = []

        def commit_b_once_a_waits():
            for _poll in range(200):
                cr_watch.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid_a])
                waiting = cr_watch.fetchone()[0]
                cr_watch.rollback()
                if waiting:
                    waited.append(True)
                    break
                time.sleep(0.05)
            cr_b.commit()

        rollbacks = []
        real_rollback = cr_a.rollback

        def counting_rollback():  # a spy: the real roll-back runs
            rollbacks.append(True)
            return real_rollback()

        thread = threading.Thread(target=commit_b_once_a_waits)
        thread.start()
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        try:
            with patch.object(cr_a, "rollback", counting_rollback):
                claimed = Claims(env_a["mail.mail"].browse(mail_id)).next([mail_id], auto_commit=True)
        finally:
            thread.join(timeout=30)  # B is done with its cursor before the clean-up
        self.assertEqual(waited, [True], "A's claim waited for B after its snapshot")
        self.assertEqual(claimed.ids, [mail_id])
        self.assertEqual(len(rollbacks), 1, "one serialization failure, rolled back, claimed again")
        # Claimed once, committed, on top of B's committed change.
        self.assertEqual(
            self.committed_row(cr_watch, mail_id), (1, attempt.runner_id(), "changed@example.com")
        )

    def test_a_claim_meeting_a_newer_commit_inside_a_callers_transaction_raises(self):
        """Inside a caller's transaction (no auto_commit) the serialization
        error goes up, as stock's own write would, for Odoo to retry the
        request; nothing is claimed."""
        (mail_id,) = self.committed_mails(1)
        cr_a, cr_b = self.own_cursor(), self.own_cursor()
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        mail_a = env_a["mail.mail"].browse(mail_id)
        # A's transaction reads the mail: its snapshot is taken.
        self.assertEqual(mail_a.email_to, "c@example.com")
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        env_b["mail.mail"].browse(mail_id).write({"email_to": "changed@example.com"})
        env_b.flush_all()
        cr_b.commit()
        with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
            Claims(mail_a).next([mail_id], auto_commit=False)
        cr_a.rollback()
        self.assertEqual(self.committed_row(cr_b, mail_id), (0, None, "changed@example.com"))

    def test_every_path_that_sends_claims_and_skips_a_mail_claimed_elsewhere(self):
        real_claim = Claims.claim
        for path in ("queue", "send_now", "retry_send_now", "after_commit"):
            with self.subTest(path=path):
                self.smtp.reset()
                busy = self.claimed_elsewhere(self.make_mail(email_to="busy@example.com"))
                free = self.make_mail(email_to="free@example.com")
                mails = busy | free
                with (
                    patch.object(Claims, "claim", autospec=True, side_effect=real_claim) as claimed,
                    mute_logger(*MUTED),
                    real_smtp_delivery(),
                ):
                    if path == "queue":
                        self.env["mail.mail"].process_email_queue(ids=mails.ids)
                    elif path == "send_now":
                        mails.action_send_now()
                    elif path == "retry_send_now":
                        mails.action_retry_send_now()
                    else:
                        mails.send_after_commit()
                self.assertTrue(claimed.called)
                mails.invalidate_recordset()
                self.assert_one_mail_to("free@example.com")
                self.assertEqual((free.state, free.attempt_count), ("sent", 1))
                # Left to its runner: not sent, not reset, not counted.
                self.assertEqual(
                    (busy.state, busy.attempt_count, busy.sending_runner), ("outgoing", 0, OTHER_RUNNER)
                )
                self.assertTrue(busy.sending_started_date)
                row = self.journal(free.id)
                self.assertEqual((row.state, row.runner), ("sent", attempt.runner_id()))
                self.assertFalse(free.sending_runner)
                self.assertFalse(self.journal(busy.id))

    def test_a_dead_runners_claim_is_set_aside_under_its_name(self):
        mail = self.claimed_elsewhere(self.make_mail())
        self.process_queue()
        self.assertFalse(self.smtp.attempts)
        mail.invalidate_recordset()
        self.assertEqual(mail.state, "outgoing")
        with freeze_time(mail.sending_started_date + datetime.timedelta(minutes=11)):
            self.process_queue()
        self.assertFalse(self.smtp.attempts)
        mail.invalidate_recordset()
        self.assertEqual((mail.state, mail.delivery_review_needed), ("exception", True))
        self.assertFalse(mail.sending_runner)
        row = self.journal(mail.id)
        self.assertEqual((row.review_needed, row.runner), (True, OTHER_RUNNER))

    def test_queue_keeps_stock_batch_size_and_cron_progress(self):
        mails = self.make_mail() | self.make_mail() | self.make_mail()
        self.env["ir.config_parameter"].sudo().set_param("mail.mail.queue.batch.size", "2")
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
        Mail = self.env["mail.mail"].with_context(ir_cron_progress_id=progress.id)
        with mute_logger(*MUTED), real_smtp_delivery():
            Mail.process_email_queue()
        self.assertEqual(sorted(mails.mapped("state")), ["outgoing", "sent", "sent"])
        self.assertEqual((progress.done, progress.remaining), (2, 1))
        with mute_logger(*MUTED), real_smtp_delivery():
            Mail.process_email_queue()
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertEqual(len(self.smtp.received), 3)
