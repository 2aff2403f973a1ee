# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Claims: several runners on one database never send the same mail.

Exactly-once across real processes that commit is proved by
dev/stress.py --runners (make test runs a 2-runner version, make stress 3
runners on 2,000 mails); here, the claim itself, with two independent
transactions where no commit is needed, and every path that sends."""

import datetime
import os
import socket
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.tests import BaseCase, freeze_time
from odoo.tools import mute_logger

from ..delivery import attempt
from .common import real_smtp_delivery
from .outbox_common import MUTED, MailCase

OTHER_RUNNER = "other-server:4242"


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
        claimed = (free | busy | sent)._mds_claim()
        self.assertEqual(claimed, free)
        for mail in free:
            self.assertTrue(mail.sending_started_date)
            self.assertEqual((mail.sending_runner, mail.attempt_count), (attempt.runner_id(), 1))
        self.assertEqual((busy.sending_runner, busy.attempt_count), (OTHER_RUNNER, 0))
        # A mail is claimed once: the next runner, or the same one, gets nothing.
        self.assertFalse((free | busy | sent)._mds_claim())
        self.assertEqual(set(free.mapped("attempt_count")), {1})
        # The lowest ids first, `limit` at most.
        more = self.make_mail() | self.make_mail()
        self.assertEqual(Mail.browse(more.ids[::-1])._mds_claim(limit=1), more[0])

    def test_queue_claims_only_due_mails_send_now_any(self):
        later = self.make_mail(scheduled_date=fields.Datetime.now() + datetime.timedelta(hours=1))
        # A retry rescheduled by another runner since this one's batch was
        # selected: the queue's claim leaves it to its due date.
        self.assertFalse(later._mds_claim(due=True))
        with freeze_time(fields.Datetime.now() + datetime.timedelta(hours=2)):
            self.assertEqual(later._mds_claim(due=True), later)
        other = self.make_mail(scheduled_date=fields.Datetime.now() + datetime.timedelta(hours=1))
        self.assertEqual(other._mds_claim(due=False), other)

    def test_two_runners_never_claim_the_same_mail(self):
        """Runner A claims and holds its locks (not committed); runner B,
        another transaction, claims the same mails at once: it gets the
        others, without waiting for A. A test cannot commit, so both claim
        the failed mails the template database committed, the only rows two
        transactions of a test both see."""
        self.env.cr.execute("SELECT id FROM mail_mail WHERE state = 'exception' ORDER BY id")
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.assertGreaterEqual(len(ids), 4, "the template database has failed mails")
        # Runner A: a connection of its own (registry.cursor() would be the
        # test's own transaction in test mode).
        cr_a = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr_a.close)
        self.addCleanup(cr_a.rollback)
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        claimed_a = env_a["mail.mail"].browse(ids)._mds_claim(limit=2, states=("exception",))
        self.assertEqual(claimed_a.ids, ids[:2])
        # Runner B, the test's transaction: a claim that waited for A's
        # locks would fail here after 2 s instead of hanging the suite.
        self.env.cr.execute("SET lock_timeout = '2s'")
        try:
            with self.env.cr.savepoint():
                claimed_b = self.env["mail.mail"].browse(ids)._mds_claim(states=("exception",))
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
        """REPEATABLE READ: a mail another runner changed and committed after
        this transaction's snapshot makes the claim fail with a
        serialization error. The queue (auto_commit) has nothing pending at
        that point: it rolls back and claims again; inside a caller's
        transaction the error goes up, as stock's own write would, for Odoo
        to retry the request."""
        mail = self.make_mail()
        Mail = type(mail)
        real_claim = Mail._mds_claim
        calls = []

        def newer_commit_once(mails, *args, **kwargs):
            calls.append(mails.ids)
            if len(calls) == 1:
                raise psycopg2.errors.SerializationFailure(
                    "could not serialize access due to concurrent update"
                )
            return real_claim(mails, *args, **kwargs)

        cr = self.env.cr
        # The queue's commits and roll-back, on a test cursor that may do neither.
        with (
            patch.object(Mail, "_mds_claim", autospec=True, side_effect=newer_commit_once),
            patch.object(cr, "commit", cr.flush),
            patch.object(cr, "rollback") as rollback,
        ):
            self.assertEqual(mail._mds_claim_next(auto_commit=True), mail)
        self.assertEqual(len(calls), 2)
        rollback.assert_called_once()
        self.assertEqual((mail.attempt_count, mail.sending_runner), (1, attempt.runner_id()))

        other = self.make_mail()
        calls.clear()
        with patch.object(Mail, "_mds_claim", autospec=True, side_effect=newer_commit_once):
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                other._mds_claim_next(auto_commit=False)
        self.assertEqual(other.attempt_count, 0)

    def test_every_path_that_sends_claims_and_skips_a_mail_claimed_elsewhere(self):
        Mail = type(self.env["mail.mail"])
        real_claim = Mail._mds_claim
        for path in ("queue", "send_now", "retry_send_now", "after_commit"):
            with self.subTest(path=path):
                self.smtp.reset()
                busy = self.claimed_elsewhere(self.make_mail(email_to="busy@example.com"))
                free = self.make_mail(email_to="free@example.com")
                mails = busy | free
                with (
                    patch.object(Mail, "_mds_claim", autospec=True, side_effect=real_claim) as claim,
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
                self.assertTrue(claim.called)
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
        self.assertEqual(mail.state, "outgoing")
        with freeze_time(mail.sending_started_date + datetime.timedelta(minutes=11)):
            self.process_queue()
        self.assertFalse(self.smtp.attempts)
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
