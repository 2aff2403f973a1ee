"""The queue drain alone, stock 18 against the addon, for working on the
queue runner: faster than make bench (no composers, no batch send), the
same code (dev/bench_odoo.py's drain, bench.py's SMTP server). Run by
dev/drain_probe.sh, which keeps its two databases between runs."""

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stock-db", required=True)
    parser.add_argument("--addon-db", required=True)
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--prepare", action="store_true", help="first use of the databases")
    parser.add_argument("--profile", help="py-spy binary: profile the addon's drain after the runs")
    args = parser.parse_args()
    out = os.path.join(bench.ROOT, "artifacts", "drain_probe")
    os.makedirs(out, exist_ok=True)
    log = os.path.join(out, "odoo.log")
    bench.load_smtp_server.module = bench.load_smtp_server()
    server = bench.load_smtp_server.module.ScriptedSmtpServer().start()
    common = {
        "MDS_BENCH_SMTP_PORT": str(server.port),
        "MDS_BENCH_PDF": os.path.join(out, "queued-mail.pdf"),
        "MDS_BENCH_MAILS": str(args.mails),
    }
    dbs = {"stock": args.stock_db, "addon": args.addon_db}
    per_mail = {"stock": [], "addon": []}
    queries = {"stock": [], "addon": []}
    try:
        if args.prepare or not os.path.exists(common["MDS_BENCH_PDF"]):
            for db in dbs.values():
                bench.run_odoo(db, "prepare", os.path.join(out, "prepare.json"), common, log, 1800)
                bench.take(server)
        for run in range(args.runs):
            for variant, db in dbs.items():
                (result,) = bench.run_odoo(db, "drain", os.path.join(out, "drain.json"), common, log, 1800)
                received = bench.take(server)
                if len(received) != args.mails:
                    raise SystemExit(
                        "%s: %d mails at the server, %d queued" % (variant, len(received), args.mails)
                    )
                per_mail[variant].append(1000.0 * result["seconds"] / args.mails)
                queries[variant].append(result["queries"] / args.mails)
                print(
                    "run %d %-5s %6.2f ms/mail  %5.1f queries/mail  cpu %5.2f ms/mail  load %s"
                    % (
                        run + 1,
                        variant,
                        per_mail[variant][-1],
                        queries[variant][-1],
                        1000.0 * result["cpu_seconds"] / args.mails,
                        result["load"][:1],
                    ),
                    flush=True,
                )
        if args.runs:
            stock, addon = statistics.median(per_mail["stock"]), statistics.median(per_mail["addon"])
            print(
                "median: stock %.2f ms/mail, addon %.2f ms/mail, addon/stock %.2f"
                % (stock, addon, addon / stock)
            )
        if args.profile:
            path = os.path.join(out, "profile-addon.speedscope.json")
            extra = dict(common, MDS_BENCH_PYSPY=args.profile, MDS_BENCH_PROFILE=path)
            bench.run_odoo(dbs["addon"], "profile", path + ".result", extra, log, 1800)
            bench.take(server)
            with open(os.path.join(out, "profile-addon-summary.txt"), "w") as handle:
                handle.write(bench.profile_summary(path))
            print("profile: %s" % os.path.join(out, "profile-addon-summary.txt"))
    finally:
        server.stop()
    with open(os.path.join(out, "last.json"), "w") as handle:
        json.dump({"per_mail_ms": per_mail, "queries_per_mail": queries}, handle)


if __name__ == "__main__":
    main()
