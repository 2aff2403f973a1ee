# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Queue drain with several runners: how the time falls with Odoo
processes sending from one database, until the SMTP server is the limit.

    dev/bench_runners.sh                     1,000 mails; 1, 2, 4 runners;
                                             the server takes 20 ms a message
    dev/bench_runners.sh --mails 100 --runners 1,2

On one clone of the template database with the addon installed (or of
--from-db), MAILS mails are queued once; each run drains a fresh copy of that
database with N `dev/odoo shell` processes (dev/stress_worker.py, the
several-runner loop of process_email_queue) against the scripted SMTP server
of the tests (tests/smtp_server.py) answering at a fixed pace: each message
takes --pace seconds, --slots at a time whatever the number of connections,
like a relay that accepts at most slots/pace messages a second. The clock
starts once every runner has loaded Odoo and stops when the server has
accepted the last mail. Each run is checked: every mail accepted once, each
attempt claimed by one runner (journal).

Prints the table, writes artifacts/bench/runners.json and runners.png.
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from addon_database import make_addon_database, start_stress_worker  # noqa: E402 (dev/, the script's own folder)
from smtp_server import ScriptedSmtpServer  # noqa: E402


def say(text):
    print(text, flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="mds_bench_runners_")
        self.base = "mds_bench_runners_%d" % os.getpid()
        self.server = ScriptedSmtpServer(pace_seconds=args.pace, pace_slots=args.slots)
        self.dbs = [self.base]

    @staticmethod
    def psql(db, query):
        """Rows as "a|b" lines: psql, so that the tools' Python (which has
        matplotlib for the chart, not psycopg2) can run this script."""
        return subprocess.run(
            ["psql", "-XAtq", "-d", db, "-c", query], check=True, stdout=subprocess.PIPE, text=True
        ).stdout.splitlines()

    def sh(self, *cmd):
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    def odoo_shell(self, db, step, log_name, **env):
        return start_stress_worker(db, step, os.path.join(self.tmp, log_name), **env)

    def prepare(self):
        """The base database: addon installed, the mails queued, once."""
        if not self.args.from_db:
            say("installing the addon in %s" % self.base)
        make_addon_database(self.base, os.path.join(self.tmp, "install.log"), self.args.from_db)
        out = os.path.join(self.tmp, "mails.json")
        setup = self.odoo_shell(
            self.base,
            "setup",
            "setup.log",
            MDS_STRESS_PORT=self.server.port,
            MDS_STRESS_MAILS=self.args.mails,
            MDS_STRESS_OUT=out,
            MDS_STRESS_PREFIX="Bench",
        )
        if setup.wait() != 0:
            raise SystemExit("queueing failed (log: %s/setup.log)" % self.tmp)
        with open(out) as handle:
            self.mails = json.load(handle)

    def drain(self, runners):
        """One run: a fresh copy of the base, `runners` processes at once."""
        db = "%s_%d" % (self.base, runners)
        self.dbs.append(db)
        self.sh(os.path.join(ROOT, "dev/clone_db.sh"), self.base, db)
        self.server.reset()
        go = os.path.join(self.tmp, "go-%d" % runners)
        ready = [os.path.join(self.tmp, "ready-%d-%d" % (runners, n)) for n in range(runners)]
        workers = [
            self.odoo_shell(
                db,
                "drain",
                "runner-%d-%d.log" % (runners, n),
                MDS_STRESS_RUNNER=1,
                MDS_STRESS_READY=ready[n],
                MDS_STRESS_GO=go,
            )
            for n in range(runners)
        ]
        try:
            while not all(os.path.exists(name) for name in ready):
                if any(worker.poll() is not None for worker in workers):
                    raise SystemExit("a runner ended before it was ready (logs: %s)" % self.tmp)
                time.sleep(0.05)
            load = os.getloadavg()[0]
            started = time.monotonic()
            open(go, "w").close()
            while len(self.server.received) < len(self.mails):
                if all(worker.poll() is not None for worker in workers):
                    break
                if time.monotonic() - started > self.args.timeout:
                    raise SystemExit("%d runner(s): not drained after %ds" % (runners, self.args.timeout))
                time.sleep(0.01)
            duration = time.monotonic() - started
            for worker in workers:
                if worker.wait(timeout=120) != 0:
                    raise SystemExit("a runner failed (logs: %s)" % self.tmp)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        return self.verdict(db, runners, duration, load)

    def verdict(self, db, runners, duration, load):
        received = collections.Counter(mail.message_id for mail in self.server.received)
        expected = {mail["message_id"] for mail in self.mails}
        per_runner = dict(
            line.split("|")
            for line in self.psql(
                db, "SELECT runner, count(*) FROM mail_delivery_log WHERE state = 'sent' GROUP BY runner"
            )
        )
        per_runner = {runner: int(count) for runner, count in per_runner.items()}
        claimed_twice = int(
            self.psql(
                db,
                """SELECT count(*) FROM (SELECT mail_id, attempt FROM mail_delivery_log
                   GROUP BY mail_id, attempt HAVING count(DISTINCT runner) <> 1) AS twice""",
            )[0]
        )
        problems = []
        if set(received) != expected:
            problems.append("%d mail(s) not received" % len(expected - set(received)))
        duplicates = sum(1 for count in received.values() if count > 1)
        if duplicates:
            problems.append("%d mail(s) received more than once" % duplicates)
        if claimed_twice:
            problems.append("%d attempt(s) claimed by 0 or 2+ runners" % claimed_twice)
        if len(per_runner) != runners:
            problems.append("%d runner(s) sent mail, %d started" % (len(per_runner), runners))
        return {
            "runners": runners,
            "seconds": round(duration, 2),
            "mails_per_second": round(len(self.mails) / duration, 1),
            "sent_per_runner": sorted(per_runner.values(), reverse=True),
            "duplicates": duplicates,
            "claimed_by_0_or_2_runners": claimed_twice,
            "load_before": round(load, 2),
            "problems": problems,
        }

    def run(self):
        args = self.args
        floor = args.mails * args.pace / args.slots
        say(
            "runner bench: %d mails, runners %s, SMTP server %.0f ms a message, %d at a time (floor %.1f s)"
            % (args.mails, ",".join(map(str, args.runners)), args.pace * 1000, args.slots, floor)
        )
        self.server.start()
        try:
            self.prepare()
            results = []
            for runners in args.runners:
                result = self.drain(runners)
                results.append(result)
                say(
                    "  %d runner(s): %.1f s, %.1f mails/s, sent per runner %s%s"
                    % (
                        runners,
                        result["seconds"],
                        result["mails_per_second"],
                        result["sent_per_runner"],
                        "; ".join([""] + result["problems"]),
                    )
                )
        finally:
            self.server.stop()
            for db in self.dbs:
                if not args.keep_db:
                    subprocess.run(["dropdb", "--if-exists", db], check=False)
                    if os.environ.get("MDS_CACHE"):
                        shutil.rmtree(os.path.join(os.environ["MDS_CACHE"], "data/filestore", db), True)
        one = results[0]["seconds"]
        say("")
        say("%8s %10s %8s %10s %s" % ("runners", "drain (s)", "mails/s", "speed-up", "sent per runner"))
        for result in results:
            say(
                "%8d %10.1f %8.1f %9.2fx %s"
                % (
                    result["runners"],
                    result["seconds"],
                    result["mails_per_second"],
                    one / result["seconds"],
                    result["sent_per_runner"],
                )
            )
        say("%8s %10.1f %8.1f %10s (the SMTP server's pace)" % ("floor", floor, args.mails / floor, ""))
        say(
            "load (1 min) before each run: %s; %d cores"
            % ([r["load_before"] for r in results], os.cpu_count())
        )
        os.makedirs(args.out, exist_ok=True)
        report = {
            "mails": args.mails,
            "pace_seconds": args.pace,
            "pace_slots": args.slots,
            "floor_seconds": floor,
            "cores": os.cpu_count(),
            "results": results,
            "note": "seconds: from the moment every runner has loaded Odoo to the server's acceptance of the "
            "last mail; each runner a separate `dev/odoo shell` process looping on process_email_queue",
        }
        with open(os.path.join(args.out, "runners.json"), "w") as handle:
            json.dump(report, handle, indent=2)
        self.chart(results, floor, os.path.join(args.out, "runners.png"))
        problems = [p for result in results for p in result["problems"]]
        for problem in problems:
            say("VIOLATION " + problem)
        say("runner bench: %s (%s/runners.json)" % ("FAILED" if problems else "OK", args.out))
        return 1 if problems else 0

    def chart(self, results, floor, path):
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            say("matplotlib missing: no chart")
            return
        figure, axes = plt.subplots(figsize=(6, 4))
        runners = [r["runners"] for r in results]
        axes.plot(runners, [r["seconds"] for r in results], marker="o", label="queue drain")
        axes.axhline(floor, linestyle="--", color="grey", label="SMTP server's pace (floor)")
        axes.set_xticks(runners)
        axes.set_xlabel("runners (Odoo processes)")
        axes.set_ylabel("seconds for %d mails" % self.args.mails)
        axes.set_ylim(bottom=0)
        axes.legend()
        axes.set_title("Queue drain with several runners")
        figure.tight_layout()
        figure.savefig(path, dpi=100)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--runners", default="1,2,4", help="comma-separated runner counts (1,2,4)")
    parser.add_argument("--pace", type=float, default=0.02, help="seconds the server takes a message (0.02)")
    parser.add_argument("--slots", type=int, default=1, help="messages the server takes at a time (1)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds a run may take")
    parser.add_argument("--from-db", help="clone this database (addon installed) instead of installing")
    parser.add_argument("--out", default=os.path.join(ROOT, "artifacts", "bench"))
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    args.runners = [int(n) for n in args.runners.split(",")]
    return Bench(args).run()


if __name__ == "__main__":
    sys.exit(main())
