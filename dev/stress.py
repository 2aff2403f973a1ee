# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Kill the mail queue's worker mid-batch and check that nothing was lost
or sent twice unnoticed.

    dev/stress.py            2,000 mails, the server answering a seeded random
                             mix of 421, 451, 550, dropped connections and
                             stalls, the worker SIGKILLed twice (make stress)
    dev/stress.py --quick    50 mails, every answer "250", one kill in the
                             queue, one in Send Now, one in the send that
                             follows a chatter post (part of make test)

On a fresh clone of the template database (or of --from-db, which must have
the addon installed), a real SMTP server on 127.0.0.1 (tests/smtp_server.py)
and `dev/odoo shell` workers running dev/stress_worker.py: the queue's own
cron, committed transactions, real processes. A kill lands while the server
stalls before accepting a mail: that mail reaches the server while the
database still says "being sent", the case the addon must set aside for
review. Retries are fast-forwarded; a killed worker's in-flight marks are
aged past the 10 minutes after which the queue sets them aside.

It prints the counts and checks them; exit status 1 on any violation.
Run with the Odoo virtualenv's Python (dev/stress.sh does).
"""

import argparse
import collections
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from smtp_server import ACCEPT, ACCEPT_THEN_STALL, DROP, STALL, ScriptedSmtpServer, free_port  # noqa: E402

#: The bad day the full run simulates: share of DATA commands per answer.
MIX = (
    ("421 4.7.0 Too busy, closing connection", 0.04),
    ("451 4.3.0 Temporary local problem, try again", 0.06),
    ("550 5.1.1 Recipient address rejected: User unknown", 0.03),
    (DROP, 0.02),
    (STALL, 0.02),
)


def say(text):
    print(text, flush=True)


class Run:
    def __init__(self, args):
        self.args = args
        self.db = "mds_stress_%d" % os.getpid()
        self.tmp = tempfile.mkdtemp(prefix="mds_stress_")
        self.worker = None
        self.workers_started = 0
        self.kills = []  # (what, Message-ID caught mid-flight)
        self.server = ScriptedSmtpServer(stall_seconds=args.stall)
        if not args.quick:
            rng = random.Random(args.seed)
            answers, weights = zip(*MIX, strict=True)
            answers, weights = list(answers) + [ACCEPT], list(weights) + [1 - sum(weights)]
            self.server.policy = lambda: rng.choices(answers, weights)[0]

    # -- processes ---------------------------------------------------------
    def sh(self, *cmd):
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def create_db(self):
        if self.args.from_db:
            self.sh(os.path.join(ROOT, "dev/clone_db.sh"), self.args.from_db, self.db)
            return
        template = subprocess.run(
            [os.path.join(ROOT, "dev/template_db.sh")], check=True, stdout=subprocess.PIPE, text=True
        ).stdout.strip()
        self.sh(os.path.join(ROOT, "dev/clone_db.sh"), template, self.db)
        say("installing the addon in %s" % self.db)
        with open(os.path.join(self.tmp, "install.log"), "w") as log:
            subprocess.run(
                [
                    os.path.join(ROOT, "dev/odoo"),
                    "-d",
                    self.db,
                    "-i",
                    "mail_document_send",
                    "--stop-after-init",
                    "--max-cron-threads=0",
                    "--http-port=%d" % free_port(),
                ],
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start_worker(self, step, **env):
        self.workers_started += 1
        env = dict(os.environ, MDS_STRESS_STEP=step, **{k: str(v) for k, v in env.items()})
        log = open(os.path.join(self.tmp, "worker-%d-%s.log" % (self.workers_started, step)), "w")
        with open(os.path.join(ROOT, "dev/stress_worker.py")) as script:
            self.worker = subprocess.Popen(
                [
                    os.path.join(ROOT, "dev/odoo"),
                    "shell",
                    "-d",
                    self.db,
                    "--max-cron-threads=0",
                    "--log-level=warn",
                ],
                stdin=script,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        self.worker_log = log.name

    def wait_worker(self, timeout):
        try:
            status = self.worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_worker()
            raise SystemExit("worker still running after %ds (log: %s)" % (timeout, self.worker_log))
        if status != 0:
            raise SystemExit("worker failed with status %s (log: %s)" % (status, self.worker_log))

    def kill_worker(self):
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def kill_mid_flight(self, what):
        """The next mail is kept by the server, which then stalls before
        saying so: SIGKILL the worker while it waits for the answer."""
        seen = len(self.server.data_log)
        self.server.script(ACCEPT_THEN_STALL)
        while len(self.server.data_log) <= seen:
            if self.worker.poll() is not None:
                raise SystemExit("worker ended before it could be killed (log: %s)" % self.worker_log)
            time.sleep(0.005)
        self.kill_worker()
        message_id, answer = self.server.data_log[seen]
        assert answer == ACCEPT_THEN_STALL, answer
        self.kills.append((what, message_id))
        say("  SIGKILL %s: worker killed while the server held %s" % (what, message_id))

    def age_in_flight_marks(self):
        """What ten minutes would do: a mark the dead worker left is stale."""
        with self.connect() as cnx, cnx.cursor() as cr:
            cr.execute(
                """UPDATE mail_mail SET sending_started_date = sending_started_date - interval '11 minutes'
                   WHERE sending_started_date IS NOT NULL"""
            )
            return cr.rowcount

    def connect(self):
        return psycopg2.connect(dbname=self.db)

    # -- the run -----------------------------------------------------------
    def run(self):
        args, started = self.args, time.monotonic()
        say(
            "stress: %d mails, seed %d, %d kill(s) in the queue%s, budget %ds, loopback only"
            % (
                args.mails,
                args.seed,
                args.kills,
                " + 1 in Send Now + 1 after a chatter post" if args.quick else "",
                args.budget,
            )
        )
        self.server.start()
        try:
            self.create_db()
            mails_file = os.path.join(self.tmp, "mails.json")
            self.start_worker(
                "setup",
                MDS_STRESS_PORT=self.server.port,
                MDS_STRESS_MAILS=args.mails,
                MDS_STRESS_OUT=mails_file,
            )
            for kill in range(args.kills):
                # Kill points spread over the batch: after 30 %, 65 % ... of the mails.
                target = int(args.mails * (0.3 + 0.35 * kill))
                while len(self.server.received) < target:
                    if self.worker.poll() is not None:
                        raise SystemExit(
                            "worker ended before kill %d (log: %s)" % (kill + 1, self.worker_log)
                        )
                    self._check_budget(started)
                    time.sleep(0.01)
                self.kill_mid_flight("queue #%d" % (kill + 1))
                say("  aged %d in-flight mark(s); worker restarted" % self.age_in_flight_marks())
                self.start_worker("drain")
            self.wait_worker(self._left(started))
            with open(mails_file) as handle:
                mails = json.load(handle)
            if args.quick:
                # The other paths that send at once: Send Now, and the mail
                # stock Odoo sends right after a chatter post is committed.
                for step, what in (("send_now", "Send Now"), ("post", "a chatter post")):
                    out = os.path.join(self.tmp, step + ".json")
                    self.start_worker(step, MDS_STRESS_OUT=out)
                    self.kill_mid_flight(what)
                    with open(out) as handle:
                        mails += json.load(handle)
                say("  aged %d in-flight mark(s); worker restarted" % self.age_in_flight_marks())
                self.start_worker("drain")
                self.wait_worker(self._left(started))
            return self.check(mails, time.monotonic() - started)
        finally:
            if self.worker and self.worker.poll() is None:
                self.kill_worker()
            self.server.stop()
            if args.keep_db:
                say("database kept: %s; worker logs in %s" % (self.db, self.tmp))
            else:
                subprocess.run(["dropdb", "--if-exists", self.db], check=False)
                if os.environ.get("MDS_CACHE"):
                    shutil.rmtree(os.path.join(os.environ["MDS_CACHE"], "data/filestore", self.db), True)

    def _left(self, started):
        return max(1, self.args.budget - (time.monotonic() - started))

    def _check_budget(self, started):
        if time.monotonic() - started > self.args.budget:
            raise SystemExit("over the %ds budget" % self.args.budget)

    # -- the verdict -------------------------------------------------------
    def load(self):
        """The mails and the journal as committed, by mail id."""
        with self.connect() as cnx, cnx.cursor() as cr:
            cr.execute(
                """SELECT mail.id, mail.state, mail.failure_class, mail.failure_reason,
                          mail.attempt_count, mail.sending_started_date IS NOT NULL,
                          COALESCE(mail.delivery_review_needed, FALSE)
                   FROM mail_mail mail"""
            )
            Row = collections.namedtuple("Row", "id state failure_class reason attempts in_flight review")
            rows = {row[0]: Row(*row) for row in cr.fetchall()}
            cr.execute(
                "SELECT mail_id, message_id, state, failure_smtp_code FROM mail_delivery_log ORDER BY id"
            )
            journal = collections.defaultdict(list)
            for mail_id, message_id, state, code in cr.fetchall():
                journal[mail_id].append((message_id, state, code or None))
        return rows, journal

    def server_view(self):
        """What the server did: acceptances and refusals by Message-ID."""
        received = collections.Counter(mail.message_id for mail in self.server.received)
        refused = collections.defaultdict(collections.Counter)  # Message-ID -> {code: n}
        for message_id, answer in self.server.data_log:
            if answer not in (DROP, STALL, ACCEPT_THEN_STALL) and not answer.startswith("250"):
                refused[message_id][int(answer[:3])] += 1
        return received, refused

    @staticmethod
    def verdict(row, sent_rows, received):
        """The mail's category, and whether it was flagged for review."""
        state = row.state if row else "deleted"  # auto-delete, once sent
        # Set aside after an interrupted send, under a field saying so.
        flagged = bool(row) and state == "exception" and row.review
        if state in ("sent", "deleted") and len(sent_rows) == 1 and received == 1:
            return "delivered exactly once", flagged
        if state == "exception" and row.failure_class == "permanent" and not received:
            return "failed, permanent", flagged
        if state == "exception" and row.failure_class == "temporary" and not received:
            return "failed, retries exhausted", flagged
        if flagged and received <= 1:
            return "flagged for review", flagged
        return "lost or wrong", flagged

    def check(self, mails, duration):
        rows, journal = self.load()
        received, refused = self.server_view()
        counts, problems = collections.Counter(), []
        for mail in mails:
            mid, attempts, row = mail["message_id"], journal.get(mail["id"], []), rows.get(mail["id"])
            sent_rows = [r for r in attempts if r[1] == "sent"]
            category, flagged = self.verdict(row, sent_rows, received[mid])
            counts[category] += 1
            counts["  of which the server had received"] += category == "flagged for review" and received[mid]
            if category == "lost or wrong":
                problems.append(
                    "mail %s %s: %s, the server received it %d time(s), journal %s"
                    % (mail["id"], mid, row, received[mid], attempts)
                )
            if received[mid] > 1 and not flagged:
                counts["duplicates at the server"] += 1
                problems.append("mail %s %s received %d times" % (mail["id"], mid, received[mid]))
            problems += self.journal_problems(mail, row, attempts, flagged, received[mid], refused[mid])
        strangers = set(received) - {mail["message_id"] for mail in mails}
        if strangers:
            problems.append("the server received mails nobody queued: %s" % sorted(strangers)[:5])
        by_message_id = {mail["message_id"]: rows.get(mail["id"]) for mail in mails}
        for what, mid in self.kills:
            row = by_message_id.get(mid)
            if not (row and row.review and received[mid] == 1):
                problems.append(
                    "the mail caught by the kill in %s (%s) is not flagged for review" % (what, mid)
                )
        if duration > self.args.budget:
            problems.append("over the %ds budget" % self.args.budget)
        self.report(len(mails), counts, sum(len(r) for r in journal.values()), duration)
        for problem in problems[:30]:
            say("VIOLATION " + problem)
        say("stress: %s" % ("FAILED, %d violation(s)" % len(problems) if problems else "OK"))
        return 1 if problems else 0

    @staticmethod
    def journal_problems(mail, row, attempts, flagged, received, refused):
        """The journal tells what the server saw: one row per attempt, the
        server's refusals with their codes, one "sent" row per acceptance."""
        problems, mid = [], mail["message_id"]
        if row and len(attempts) != row.attempts:
            problems.append(
                "mail %s: %d journal rows for %d attempts" % (mail["id"], len(attempts), row.attempts)
            )
        codes = collections.Counter(r[2] for r in attempts if r[1] == "failed" and r[2])
        if codes != refused:
            problems.append(
                "mail %s: journal codes %s, server refusals %s" % (mail["id"], dict(codes), dict(refused))
            )
        if any(r[0] != mid for r in attempts):
            problems.append("mail %s: journal rows with another Message-ID" % mail["id"])
        sent = len([r for r in attempts if r[1] == "sent"])
        if sent != (0 if flagged else received):
            problems.append(
                "mail %s: %d journal 'sent' rows, the server received it %d time(s)"
                % (mail["id"], sent, received)
            )
        if row and row.in_flight:
            problems.append("mail %s is still marked as being sent" % mail["id"])
        return problems

    def report(self, queued, counts, journal_rows, duration):
        say("")
        say("%-36s %6d" % ("mails queued", queued))
        for label in (
            "delivered exactly once",
            "failed, permanent",
            "failed, retries exhausted",
            "flagged for review",
            "  of which the server had received",
            "lost or wrong",
            "duplicates at the server",
        ):
            say("%-36s %6d" % (label, counts[label]))
        say("%-36s %6d" % ("SMTP DATA commands answered", len(self.server.data_log)))
        answers = collections.Counter(
            answer if answer in (DROP, STALL, ACCEPT_THEN_STALL) else answer[:3]
            for _m, answer in self.server.data_log
        )
        for answer, number in sorted(answers.items()):
            say("%-36s %6d" % ("  answered %s" % answer, number))
        say("%-36s %6d" % ("journal rows", journal_rows))
        say("%-36s %6d" % ("workers started", self.workers_started))
        say("%-36s %6d" % ("workers SIGKILLed mid-flight", len(self.kills)))
        say("duration %.0fs (budget %ds)" % (duration, self.args.budget))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="50 mails, all accepted; kills in queue and Send Now"
    )
    parser.add_argument("--mails", type=int)
    parser.add_argument("--kills", type=int)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=int, help="seconds; over it is a failure")
    parser.add_argument("--stall", type=float, default=1.0, help="seconds a stalling server waits")
    parser.add_argument("--from-db", help="clone this database (addon installed) instead of installing")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    args.mails = args.mails or (50 if args.quick else 2000)
    args.kills = args.kills if args.kills is not None else (1 if args.quick else 2)
    args.budget = args.budget or (120 if args.quick else 900)
    return Run(args).run()


if __name__ == "__main__":
    sys.exit(main())
