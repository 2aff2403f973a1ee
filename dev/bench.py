# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""make bench: stock Odoo 11 and Odoo 11 + this addon, side by side.

Called by dev/bench.sh with two databases cloned from the same template
(one with the addon installed). Runs dev/bench_odoo.py in a fresh Odoo
process per database and run, alternating stock / addon so that the noise
of a shared machine hits both alike, against an SMTP sink (aiosmtpd) in this
process: it keeps the raw messages in memory (the floor replays them), writes
nothing to disk. Prints the table, writes bench.json and bench.png.
"""

import argparse
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import textwrap
import threading
import time

from aiosmtpd.controller import Controller

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VARIANTS = ("stock", "addon")


class Sink:
    """An SMTP server that accepts everything and keeps the raw bytes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 OK: queued"

    def take(self):
        with self.lock:
            messages, self.messages = self.messages, []
        return messages


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average():
    with open("/proc/loadavg") as handle:
        return handle.read().split()[:3]


def run_odoo(db, step, out, env_extra, log, timeout):
    env = dict(os.environ, MDS_BENCH_STEP=step, MDS_BENCH_OUT=out, **env_extra)
    command = [
        os.path.join(ROOT, "dev", "odoo"),
        "shell",
        "-d",
        db,
        "--http-port=%d" % free_port(),
        "--log-level=warn",
        "--max-cron-threads=0",
    ]
    with open(os.path.join(ROOT, "dev", "bench_odoo.py"), "rb") as script, open(log, "ab") as log_handle:
        log_handle.write(("\n### %s %s\n" % (db, step)).encode())
        log_handle.flush()
        status = subprocess.run(
            command, stdin=script, stdout=log_handle, stderr=subprocess.STDOUT, env=env, timeout=timeout
        ).returncode
    if status or not os.path.exists(out) or not os.path.getsize(out):
        sys.exit("bench: %s on %s failed (status %s), see %s" % (step, db, status, log))
    with open(out) as handle:
        return json.load(handle)


def summary(values):
    return {"min": min(values), "median": statistics.median(values), "runs": values}


def build_results(raw, floors):
    """{metric: {variant: {min, median, runs}}} from the runs' raw output."""
    metrics = {}

    def add(metric, variant, value):
        metrics.setdefault(metric, {}).setdefault(variant, []).append(value)

    for variant in VARIANTS:
        for result in raw[variant]:
            add("a_composer_cold_s", variant, result["composer_cold"])
            add("a_composer_warm_s", variant, statistics.median(result["composer_warm"]))
            for drain in result["drain"]:
                add("b_drain_%d_s" % drain["mails"], variant, drain["seconds"])
                if drain is result["drain"][-1]:
                    add("b_cpu_per_mail_ms", variant, 1000.0 * drain["cpu_seconds"] / drain["mails"])
                    add("b_queries_per_mail", variant, drain["queries"] / drain["mails"])
                add("d_peak_drain_%d_mib" % drain["mails"], variant, drain["peak_kib"] / 1024.0)
                add(
                    "d_growth_drain_%d_mib" % drain["mails"],
                    variant,
                    (drain["peak_kib"] - drain["rss_before_kib"]) / 1024.0,
                )
            mass = result["mass_send"]
            add("c_mass_send_%d_s" % mass["invoices"], variant, mass["seconds"])
            add("c_queries_per_invoice", variant, mass["queries"] / mass["invoices"])
            add("d_peak_mass_send_mib", variant, mass["peak_kib"] / 1024.0)
            add("d_growth_mass_send_mib", variant, (mass["peak_kib"] - mass["rss_before_kib"]) / 1024.0)
    for floor in floors:
        add("b_drain_%d_s" % floor["mails"], "floor", floor["seconds"])
    return {
        metric: {variant: summary(values) for variant, values in by.items()} for metric, by in metrics.items()
    }


def ratio(results, metric, over, stat="median"):
    by = results[metric]
    if "addon" not in by or over not in by or not by[over][stat]:
        return None
    return by["addon"][stat] / by[over][stat]


LABELS = {
    "a_composer_cold_s": "(a) click to composer, cold (s)",
    "a_composer_warm_s": "(a) click to composer, warm (s)",
    "c_mass_send_": "(c) mass send of %s invoices (s)",
    "b_drain_": "(b) queue drain, %s mails (s)",
    "b_cpu_per_mail_ms": "(b) Odoo CPU per mail, largest drain (ms)",
    "b_queries_per_mail": "(b) SQL queries per mail, largest drain",
    "c_queries_per_invoice": "(c) SQL queries per invoice",
    "d_peak_drain_": "(d) peak RSS, drain of %s mails (MiB)",
    "d_growth_drain_": "(d) RSS growth, drain of %s mails (MiB)",
    "d_peak_mass_send_mib": "(d) peak RSS, mass send (MiB)",
    "d_growth_mass_send_mib": "(d) RSS growth, mass send (MiB)",
}


def label(metric):
    if metric in LABELS:
        return LABELS[metric]
    for prefix, text in LABELS.items():
        if metric.startswith(prefix) and "%s" in text:
            return text % metric[len(prefix) :].split("_")[0]
    return metric


def order_key(metric):
    return (metric[0], metric.startswith("d_growth"), len(metric), metric)


def table(results):
    """An RST grid table: what README and terminal both show."""
    header = [
        "measure",
        "stock min / median",
        "addon min / median",
        "addon/stock",
        "floor min / median",
        "addon/floor",
    ]
    rows = []
    for metric in sorted(results, key=order_key):
        by = results[metric]

        def cell(variant, by=by, metric=metric):
            if variant not in by:
                return ""
            if metric.endswith("_mib"):
                fmt = "%.0f / %.0f"
            elif metric.endswith("_s"):
                fmt = "%.2f / %.2f"
            else:
                fmt = "%.1f / %.1f"
            return fmt % (by[variant]["min"], by[variant]["median"])

        to_stock = ratio(results, metric, "stock")
        to_floor = ratio(results, metric, "floor")
        rows.append(
            [
                label(metric),
                cell("stock"),
                cell("addon"),
                "%.2f" % to_stock if to_stock is not None and "growth" not in metric else "",
                cell("floor"),
                "%.1f" % to_floor if to_floor is not None else "",
            ]
        )
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    head_line = line.replace("-", "=")

    def fmt(row):
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |"

    out = [line, fmt(header), head_line]
    for row in rows:
        out += [fmt(row), line]
    return "\n".join(out)


def chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = [m for m in sorted(results, key=order_key) if m.endswith("_s")]
    memory = [m for m in sorted(results, key=order_key) if m.startswith("d_peak")]
    fig, axes = plt.subplots(1, 2, figsize=(14, 5.5), gridspec_kw={"width_ratios": [len(times), len(memory)]})
    colors = {"stock": "#8c8c8c", "addon": "#714b67", "floor": "#3c8dbc"}
    for axis, metrics, unit in (
        (axes[0], times, "seconds (median, bar; min, dot)"),
        (axes[1], memory, "MiB"),
    ):
        width = 0.27
        for offset, variant in enumerate(("stock", "addon", "floor")):
            xs, medians, mins = [], [], []
            for index, metric in enumerate(metrics):
                if variant in results[metric]:
                    xs.append(index + (offset - 1) * width)
                    medians.append(results[metric][variant]["median"])
                    mins.append(results[metric][variant]["min"])
            if xs:
                axis.bar(xs, medians, width, label=variant, color=colors[variant])
                axis.plot(xs, mins, "k.", markersize=4)
        axis.set_xticks(range(len(metrics)))
        axis.set_xticklabels([textwrap.fill(label(m).rsplit(" (", 1)[0], 16) for m in metrics], fontsize=8)
        axis.set_ylabel(unit)
        axis.set_yscale("log" if axis is axes[0] else "linear")
        axis.legend()
    axes[0].set_title("Time: stock Odoo 11 vs mail_document_send (log scale)")
    axes[1].set_title("Peak RSS of the Odoo process")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def profile(args, dbs, common, mails, sink, log):
    """py-spy on the largest drain of each variant, after the measurements
    (sampling slows the process down): raw stacks and a summary."""
    for variant in VARIANTS:
        path = os.path.join(args.out, "profile-%s.txt" % variant)
        extra = dict(common, MDS_BENCH_PYSPY=args.profile, MDS_BENCH_PROFILE=path)
        print("bench: profiling the drain of %d mails, %s" % (mails[-1], variant), flush=True)
        try:
            run_odoo(dbs[variant], "profile", path + ".json", extra, log, args.timeout)
        except SystemExit as error:
            print("bench: profile failed: %s" % error, flush=True)
            continue
        finally:
            sink.take()
        summary = os.path.join(args.out, "profile-%s-summary.txt" % variant)
        with open(summary, "w") as handle:
            handle.write(profile_summary(path))
        print("bench: %s" % summary, flush=True)


def profile_summary(path, top=45):
    """Where the wall time goes, from py-spy's raw output (one sampled stack
    a line, with its count): share of samples per function, inclusive and
    self. Sampling includes waiting, so SQL shows as time in execute."""
    inclusive, own, total = {}, {}, 0
    with open(path) as handle:
        for line in handle:
            stack, _sep, count = line.rstrip().rpartition(" ")
            if not stack:
                continue
            count = int(count)
            total += count
            frames = [frame.split(" (")[0] + " (" + frame.rsplit("/", 1)[-1] for frame in stack.split(";")]
            for frame in set(frames):
                inclusive[frame] = inclusive.get(frame, 0) + count
            own[frames[-1]] = own.get(frames[-1], 0) + count
    lines = ["%d samples (100 a second)" % total, "", "inclusive:"]
    for frame, count in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        lines.append("%5.1f%%  %s" % (100.0 * count / total, frame))
    lines += ["", "self:"]
    for frame, count in sorted(own.items(), key=lambda item: -item[1])[:15]:
        lines.append("%5.1f%%  %s" % (100.0 * count / total, frame))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stock-db", required=True)
    parser.add_argument("--addon-db", required=True)
    parser.add_argument("--out", default=os.path.join(ROOT, "artifacts", "bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm", type=int, default=3, help="warm composer openings per run")
    parser.add_argument("--mails", default="100,500", help="queue sizes drained, comma-separated")
    parser.add_argument("--invoices", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 run, 20/50 mails, 5 invoices")
    parser.add_argument("--command", default="make bench", help="recorded in the JSON")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds allowed to one Odoo process")
    parser.add_argument(
        "--profile", metavar="PY_SPY", help="py-spy binary: profile the largest drain of each variant"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.warm, args.mails, args.invoices = 1, 1, "20,50", 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    os.makedirs(args.out, exist_ok=True)
    log = os.path.join(args.out, "odoo.log")
    open(log, "w").close()
    pdf = os.path.join(args.out, "queued-mail.pdf")
    if os.path.exists(pdf):
        os.unlink(pdf)
    dbs = {"stock": args.stock_db, "addon": args.addon_db}
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    started = time.time()
    load_start = load_average()
    common = {
        "MDS_BENCH_SMTP_PORT": str(controller.port),
        "MDS_BENCH_PDF": pdf,
        "MDS_BENCH_WARM": str(args.warm),
        "MDS_BENCH_MAILS": args.mails,
        "MDS_BENCH_INVOICES": str(args.invoices),
    }
    mails = [int(count) for count in args.mails.split(",")]
    expected = sum(mails) + args.invoices
    raw = {variant: [] for variant in VARIANTS}
    floors = []
    floor_file = os.path.join(args.out, "floor-messages.pickle")
    try:
        for variant in VARIANTS:
            print("bench: preparing %s (%s)" % (variant, dbs[variant]), flush=True)
            run_odoo(
                dbs[variant],
                "prepare",
                os.path.join(args.out, "prepare-%s.json" % variant),
                common,
                log,
                args.timeout,
            )
        for run in range(1, args.runs + 1):
            for variant in VARIANTS:  # A B A B ...
                print(
                    "bench: run %d/%d, %s, load %s" % (run, args.runs, variant, " ".join(load_average())),
                    flush=True,
                )
                sink.take()
                result = run_odoo(
                    dbs[variant],
                    "measure",
                    os.path.join(args.out, "run-%s-%d.json" % (variant, run)),
                    common,
                    log,
                    args.timeout,
                )
                received = sink.take()
                if len(received) != expected:
                    sys.exit(
                        "bench: the SMTP sink got %d messages from %s, expected %d"
                        % (len(received), variant, expected)
                    )
                result["load"] = load_average()
                raw[variant].append(result)
                if variant == "addon" and not os.path.exists(floor_file):
                    # The floor replays what the addon sent in its largest drain.
                    start = sum(mails[:-1])
                    with open(floor_file, "wb") as handle:
                        pickle.dump(received[start : start + mails[-1]], handle, protocol=4)
            venv_python = os.path.join(os.environ["MDS_VENV"], "bin", "python")
            output = subprocess.run(
                [
                    venv_python,
                    os.path.join(ROOT, "dev", "bench_floor.py"),
                    floor_file,
                    "127.0.0.1",
                    str(controller.port),
                ],
                check=True,
                capture_output=True,
                text=True,
                timeout=args.timeout,
            ).stdout
            floors.append(json.loads(output))
            sink.take()
    except BaseException:
        controller.stop()
        raise
    finally:
        if os.path.exists(floor_file):
            os.unlink(floor_file)
    results = build_results(raw, floors)
    text = table(results)
    report = {
        "command": args.command,
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "seconds": round(time.time() - started),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_start": load_start,
            "load_end": load_average(),
        },
        "settings": {
            "runs": args.runs,
            "warm": args.warm,
            "mails": mails,
            "invoices": args.invoices,
            "pdf_bytes": raw["stock"][0]["pdf_bytes"],
        },
        "ratios": {
            metric: {
                "addon/stock": ratio(results, metric, "stock"),
                "addon/floor": ratio(results, metric, "floor"),
            }
            for metric in results
        },
        "results": results,
        "raw": raw,
        "floor": floors,
        "table": text,
    }
    with open(os.path.join(args.out, "bench.json"), "w") as handle:
        json.dump(report, handle, indent=1)
    chart(results, os.path.join(args.out, "bench.png"))
    print(text)
    print(
        "bench: %d runs, %d s, load %s -> %s; %s/bench.json and bench.png"
        % (
            args.runs,
            report["seconds"],
            " ".join(load_start),
            " ".join(report["machine"]["load_end"]),
            args.out,
        )
    )
    try:
        if args.profile:
            profile(args, dbs, common, mails, sink, log)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
