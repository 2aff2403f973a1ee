# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Kill the mail queue's worker mid-batch and check that nothing was lost
or sent twice unnoticed.

    dev/stress.py            2,000 mails, the server answering a seeded random
                             mix of 421, 451, 550, dropped connections and
                             stalls, drained by 3 Odoo processes at once, a
                             runner SIGKILLed twice (make stress)
    dev/stress.py --runners 1   the same with one worker running the cron
    dev/stress.py --quick    50 mails, every answer "250", one kill in the
                             queue, one in Send Now, one in the send that
                             follows a chatter post; then 40 more mails
                             drained by 2 runners at once, one of them
                             killed mid-flight (part of make test)
    dev/stress.py --with mail_tracking
                             the same with other addons installed beside
                             this one (comma-separated, from dev/odoo's
                             addons path): OCA's mail_tracking swallows the
                             SMTP exception in send_email, the outcome is
                             read on the connection (make stress runs both)

On a fresh clone of the template database (or of --from-db, which must have
the addon installed), a real SMTP server on 127.0.0.1 (tests/smtp_server.py)
and `dev/odoo shell` workers running dev/stress_worker.py: the queue's own
cron, committed transactions, real processes. A kill lands while the server
stalls before accepting a mail: that mail reaches the server while the
database still says "being sent", the case the addon must set aside for
review. Retries are fast-forwarded; a killed worker's in-flight marks are
aged past the 10 minutes after which the queue sets them aside. Several
runners: each is a separate `dev/odoo shell` process running
process_email_queue in a loop on the same database; the process to kill is
the one whose claim (mail_mail.sending_runner, host:pid) holds the mail the
server is stalling on, and a new runner takes its place. The journal names
the runner of every attempt: each attempt must have exactly one.

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
import socket
import subprocess
import sys
import tempfile
import time

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from addon_database import make_addon_database, start_stress_worker  # noqa: E402 (dev/, the script's own folder)
from smtp_server import ACCEPT, ACCEPT_THEN_STALL, DROP, STALL, ScriptedSmtpServer  # noqa: E402

#: The bad day the full run simulates: share of DATA commands per answer.
MIX = (
    ("421 4.7.0 Too busy, closing connection", 0.04),
    ("451 4.3.0 Temporary local problem, try again", 0.06),
    ("550 5.1.1 Recipient address rejected: User unknown", 0.03),
    (DROP, 0.02),
    (STALL, 0.02),
)


JournalRow = collections.namedtuple("JournalRow", "message_id state code attempt runner review")
#: make test's second phase: mails drained by 2 runners at once, one killed.
QUICK_RUNNER_MAILS = 40


def say(text):
    print(text, flush=True)


class Run:
    def __init__(self, args):
        self.args = args
        self.db = "mds_stress_%d" % os.getpid()
        self.tmp = tempfile.mkdtemp(prefix="mds_stress_")
        self.worker = None
        self.workers = []  # every worker process started, for the clean-up
        self.logs = []
        self.workers_started = 0
        self.tracking_summary = None  # with mail_tracking: its rows by state
        self.kills = []  # (what, Message-ID caught mid-flight)
        self.dead_runners = []  # host:pid of the killed workers
        self.runners_started = []  # host:pid of every runner of the queue
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
        install = ([] if self.args.from_db else ["the addon"]) + self.args.modules
        if install:
            say("installing %s in %s" % (", ".join(install), self.db))
        log = os.path.join(self.tmp, "install.log")
        make_addon_database(self.db, log, self.args.from_db, self.args.modules)

    def start_worker(self, step, **env):
        self.workers_started += 1
        log_name = os.path.join(self.tmp, "worker-%d-%s.log" % (self.workers_started, step))
        worker = start_stress_worker(self.db, step, log_name, **env)
        worker.log_name = log_name
        self.workers.append(worker)
        self.logs.append(log_name)
        self.worker, self.worker_log = worker, log_name
        return worker

    def wait_worker(self, timeout, worker=None):
        worker = worker or self.worker
        try:
            status = worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill_worker(worker)
            raise SystemExit("worker still running after %ds (log: %s)" % (timeout, worker.log_name))
        if status != 0:
            raise SystemExit("worker failed with status %s (log: %s)" % (status, worker.log_name))

    def kill_worker(self, worker=None):
        worker = worker or self.worker
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    def runner_of(self, message_id):
        """The runner whose committed claim holds this mail (host:pid)."""
        with self.connect() as cnx, cnx.cursor() as cr:
            cr.execute(
                """SELECT mail.sending_runner FROM mail_mail mail
                   JOIN mail_message message ON message.id = mail.mail_message_id
                   WHERE message.message_id = %s""",
                [message_id],
            )
            row = cr.fetchone()
        return row and row[0]

    def kill_mid_flight(self, what, runners=None):
        """The next mail is kept by the server, which then stalls before
        saying so: SIGKILL the worker sending it while it waits for the
        answer. Among several runners, the claim says which one it is."""
        runners = runners or [self.worker]
        seen = len(self.server.data_log)
        self.server.script(ACCEPT_THEN_STALL)
        while len(self.server.data_log) <= seen:
            if all(runner.poll() is not None for runner in runners):
                raise SystemExit("workers ended before one could be killed (logs: %s)" % self.tmp)
            time.sleep(0.005)
        message_id, answer = self.server.data_log[seen]
        assert answer == ACCEPT_THEN_STALL, answer
        claim = self.runner_of(message_id)
        victim = next((runner for runner in runners if claim and claim.endswith(":%d" % runner.pid)), None)
        if victim is None:
            raise SystemExit("no runner holds the claim of %s (claim %r)" % (message_id, claim))
        self.kill_worker(victim)
        self.kills.append((what, message_id))
        self.dead_runners.append(claim)
        say("  SIGKILL %s: runner %s killed while the server held %s" % (what, claim, message_id))
        return victim

    def age_in_flight_marks(self):
        """What ten minutes would do: a mark a dead runner left is stale.
        Only the dead ones': the live runners' mails are in flight for real."""
        with self.connect() as cnx, cnx.cursor() as cr:
            cr.execute(
                """UPDATE mail_mail SET sending_started_date = sending_started_date - interval '11 minutes'
                   WHERE sending_started_date IS NOT NULL AND sending_runner = ANY(%s)""",
                [self.dead_runners],
            )
            return cr.rowcount

    def connect(self):
        return psycopg2.connect(dbname=self.db)

    # -- the run -----------------------------------------------------------
    def run(self):
        args, started = self.args, time.monotonic()
        say(
            "stress: %d mails%s, seed %d, %d runner(s), %d kill(s) in the queue%s, budget %ds, loopback only"
            % (
                args.mails,
                " beside %s" % ", ".join(args.modules) if args.modules else "",
                args.seed,
                args.runners,
                args.kills,
                " + 1 in Send Now + 1 after a chatter post, then %d mails, 2 runners, 1 kill"
                % QUICK_RUNNER_MAILS
                if args.quick
                else "",
                args.budget,
            )
        )
        self.server.start()
        try:
            self.create_db()
            mails = self.queue(args.mails, "Stress", port=self.server.port)
            self.drain(args.runners, args.kills, started)
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
                # Two runners at once on the same queue, one killed: without
                # the claims they would trip over each other's mails.
                mails += self.queue(QUICK_RUNNER_MAILS, "Runners")
                self.drain(2, 1, started)
            return self.check(mails, time.monotonic() - started)
        finally:
            for worker in self.workers:
                if worker.poll() is None:
                    self.kill_worker(worker)
            self.server.stop()
            if args.keep_db:
                say("database kept: %s; worker logs in %s" % (self.db, self.tmp))
            else:
                subprocess.run(["dropdb", "--if-exists", self.db], check=False)
                if os.environ.get("MDS_CACHE"):
                    shutil.rmtree(os.path.join(os.environ["MDS_CACHE"], "data/filestore", self.db), True)

    def queue(self, count, prefix, port=""):
        out = os.path.join(self.tmp, "%s.json" % prefix)
        self.start_worker(
            "setup",
            MDS_STRESS_PORT=port,
            MDS_STRESS_MAILS=count,
            MDS_STRESS_OUT=out,
            MDS_STRESS_PREFIX=prefix,
        )
        self.wait_worker(600)
        with open(out) as handle:
            return json.load(handle)

    def drain(self, runners, kills, started):
        """`runners` processes drain the queue at once (one: through the
        cron), `kills` of them SIGKILLed mid-flight, each replaced."""
        env = {"MDS_STRESS_RUNNER": 1} if runners > 1 else {}
        live = [self.start_worker("drain", **env) for _n in range(runners)]
        self.runners_started += ["%s:%d" % (socket.gethostname(), worker.pid) for worker in live]
        base, total = len(self.server.received), self.outgoing()
        for kill in range(kills):
            # Kill points spread over the batch: after 30 %, 65 % ... of the mails.
            target = base + int(total * (0.3 + 0.35 * kill))
            while len(self.server.received) < target:
                if all(worker.poll() is not None for worker in live):
                    raise SystemExit("runners ended before kill %d (logs: %s)" % (kill + 1, self.tmp))
                self._check_budget(started)
                time.sleep(0.01)
            victim = self.kill_mid_flight("queue #%d" % (kill + 1), [w for w in live if w.poll() is None])
            live.remove(victim)
            say("  aged %d in-flight mark(s); a new runner takes its place" % self.age_in_flight_marks())
            live.append(self.start_worker("drain", **env))
            self.runners_started.append("%s:%d" % (socket.gethostname(), live[-1].pid))
        for worker in live:
            self.wait_worker(self._left(started), worker)

    def outgoing(self):
        """The mails of the batch being drained (for the kill points)."""
        with self.connect() as cnx, cnx.cursor() as cr:
            cr.execute("SELECT count(*) FROM mail_mail WHERE state = 'outgoing'")
            return cr.fetchone()[0]

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
                """SELECT mail_id, message_id, state, failure_smtp_code, attempt, runner,
                          COALESCE(review_needed, FALSE)
                   FROM mail_delivery_log ORDER BY id"""
            )
            journal = collections.defaultdict(list)
            for mail_id, message_id, state, code, attempt, runner, review in cr.fetchall():
                journal[mail_id].append(JournalRow(message_id, state, code or None, attempt, runner, review))
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
        problems += self.claim_problems(mails, journal, counts)
        problems += self.log_problems()
        problems += self.tracking_problems(len(self.server.data_log))
        if duration > self.args.budget:
            problems.append("over the %ds budget" % self.args.budget)
        self.report(len(mails), counts, sum(len(r) for r in journal.values()), duration)
        self.report_runners(journal)
        for problem in problems[:30]:
            say("VIOLATION " + problem)
        say("stress: %s" % ("FAILED, %d violation(s)" % len(problems) if problems else "OK"))
        return 1 if problems else 0

    @staticmethod
    def claim_problems(mails, journal, counts):
        """Every attempt was claimed by exactly one runner: its journal rows
        (one per attempt, more when the server refused some recipients)
        name one runner, and the one mail an attempt's row is about."""
        problems = []
        for mail in mails:
            by_attempt = collections.defaultdict(set)
            for row in journal.get(mail["id"], []):
                by_attempt[row.attempt].add(row.runner)
            for number, runners in sorted(by_attempt.items()):
                if len(runners) != 1 or None in runners:
                    counts["attempts claimed by 0 or 2+ runners"] += 1
                    problems.append(
                        "mail %s attempt %s: claimed by %s" % (mail["id"], number, sorted(map(str, runners)))
                    )
        return problems

    def tracking_problems(self, answered):
        """With mail_tracking beside the addon: its send_email must have been
        in the loop (one tracking row per attempt: the run proves nothing if
        it tracked nothing), and each row's state is printed."""
        if "mail_tracking" not in self.args.modules:
            return []
        with self.connect() as cnx, cnx.cursor() as cr:
            cr.execute("SELECT state, count(*) FROM mail_tracking_email GROUP BY state ORDER BY state")
            states = cr.fetchall()
        total = sum(number for _state, number in states)
        by_state = ", ".join("%s %d" % row for row in states)
        self.tracking_summary = "mail_tracking rows: %d (%s)" % (total, by_state)
        if total < answered:
            return ["mail_tracking tracked %d sends, the server answered %d DATA" % (total, answered)]
        return []

    def log_problems(self):
        """A runner tripping over another's mail shows in its log: Odoo's
        REPEATABLE READ turns the race into a serialization failure, which
        aborts the runner's whole batch ("Failed processing mail queue").
        (Tracebacks alone are expected: stock logs one for each dropped
        connection.)"""
        problems = []
        for name in self.logs:
            with open(name, errors="replace") as log:
                text = log.read()
            for marker in (
                "Failed processing mail queue",
                "could not serialize",
                "Could not set interrupted sends aside",
            ):
                if marker in text:
                    problems.append("%s in %s" % (marker, name))
        return problems

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
        if self.tracking_summary:
            say(self.tracking_summary)
        say("%-36s %6d" % ("workers started", self.workers_started))
        say("%-36s %6d" % ("workers SIGKILLed mid-flight", len(self.kills)))
        say(
            "%-36s %6d"
            % ("attempts claimed by 0 or 2+ runners", counts["attempts claimed by 0 or 2+ runners"])
        )
        say("duration %.0fs (budget %ds)" % (duration, self.args.budget))

    def report_runners(self, journal):
        """Per runner (host:pid, from the journal): attempts, sent, failed,
        and the mails it left in flight when killed (set aside for review)."""
        per = collections.defaultdict(collections.Counter)
        for runner in self.runners_started:
            per[runner]["attempts"] += 0  # listed even when it sent nothing
        for rows in journal.values():
            for row in rows:
                # Set aside: left in flight by a killed runner, or the
                # server's reply lost after the whole message went out.
                column = "set aside" if row.review else row.state
                per[row.runner][column] += 1
                per[row.runner]["attempts"] += 1
        say("")
        say("%-28s %8s %6s %6s %9s %s" % ("runner", "attempts", "sent", "failed", "set aside", ""))
        for runner in sorted(per, key=str):
            counter = per[runner]
            say(
                "%-28s %8d %6d %6d %9d %s"
                % (
                    runner,
                    counter["attempts"],
                    counter["sent"],
                    counter["failed"],
                    counter["set aside"],
                    "SIGKILLed" if runner in self.dead_runners else "",
                )
            )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="50 mails, all accepted; kills in queue and Send Now"
    )
    parser.add_argument("--mails", type=int)
    parser.add_argument("--kills", type=int)
    parser.add_argument(
        "--runners", type=int, help="Odoo processes draining the queue at once (3; --quick: 1, then 2)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=int, help="seconds; over it is a failure")
    parser.add_argument("--stall", type=float, default=1.0, help="seconds a stalling server waits")
    parser.add_argument("--from-db", help="clone this database (addon installed) instead of installing")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--with",
        dest="modules",
        default="",
        metavar="MODULES",
        help="install these addons beside this one (comma-separated, e.g. mail_tracking)",
    )
    args = parser.parse_args()
    args.modules = [name.strip() for name in args.modules.split(",") if name.strip()]
    args.mails = args.mails or (50 if args.quick else 2000)
    args.kills = args.kills if args.kills is not None else (1 if args.quick else 2)
    args.budget = args.budget or (120 if args.quick else 900)
    args.runners = args.runners or (1 if args.quick else 3)
    return Run(args).run()


if __name__ == "__main__":
    sys.exit(main())
