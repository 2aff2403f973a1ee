# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""make bench: stock Odoo 18 and Odoo 18 + this addon, side by side.

Called by dev/bench.sh with two databases cloned from the same template
(one with the addon installed), and for each other stack (a mail addon
installed beside, on both sides: --stack-db) two more. Runs
dev/bench_odoo.py in fresh Odoo processes per database and run, alternating
stock / addon (A B A B) so that the noise of a shared machine hits both
alike, against the tests' real SMTP server (tests/smtp_server.py, aiosmtpd)
in this process: it keeps the raw messages in memory (the floor replays
them), writes nothing to disk. Prints the table and the target checks,
writes bench.json and bench.png.
"""

import argparse
import importlib.util
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import textwrap
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VARIANTS = ("stock", "addon")
#: Targets of issue 17 on the ratio of the medians, addon / stock.
TIME_TARGET = 1.10
DRAIN_TARGET = 0.50
#: Targets of issue 26 (reuse of the document's PDF): the quotation
#: composer on an unchanged quotation, and the batch send of invoices. A
#: changed document keeps TIME_TARGET.
PDF_TARGETS = {
    "a_quotation_warm_s": 0.25,
    "a_quotation_cold_s": 0.60,
    "c_batch_": 0.70,
}
PARTS = ("composers", "drain", "batch")
#: The stacks the drain is measured on (issue 24): the modules installed
#: on both sides, stock's and the addon's. Composers and batch: bare only.
STACKS = {"bare": (), "mail_tracking": ("mail_tracking",), "mass_mailing": ("mass_mailing",)}
#: A stack's metrics are the bare ones with "@<stack>" appended.
STACK_MARK = "@"
#: Where a mailing's mails are drained too, after the document mails (an
#: extra row: the drain's target compares the document mails alone).
MAILING_STACKS = ("mass_mailing",)
#: The composer steps beyond `measure` (which opens the unchanged
#: quotation's): each a fresh process per run, cold then warm openings.
COMPOSER_STEPS = {
    "invoice_composer": "a_invoice",
    "quotation_changed": "a_quotation_changed",
    "invoice_send": "a_invoice_send",
    "invoice_send_changed": "a_invoice_send_changed",
}


def load_smtp_server():
    """tests/smtp_server.py imports no Odoo, but tests/__init__.py does:
    load the module by its path, not through the package."""
    path = os.path.join(ROOT, "tests", "smtp_server.py")
    spec = importlib.util.spec_from_file_location("mds_smtp_server", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_average():
    return [round(value, 2) for value in os.getloadavg()]


def take(server):
    """The messages the server accepted since the last call."""
    with server.lock:
        received = list(server.received)
        server.received.clear()
        server.attempts.clear()
        server.data_log.clear()
    return received


def http_port(db, ports={}):  # noqa: B006 - one port per database, kept for the run
    """The port the Odoo processes of `db` serve HTTP on: the same for all
    of them, as a server's URL stays the same from one click to the next
    (it is in the report's HTML, and so in the key of a reused PDF)."""
    if db not in ports:
        ports[db] = load_smtp_server.module.free_port()
    return ports[db]


def run_odoo(db, step, out, env_extra, log, timeout):
    env = dict(os.environ, MDS_BENCH_STEP=step, MDS_BENCH_OUT=out, **env_extra)
    command = [
        os.path.join(ROOT, "dev", "odoo"),
        "shell",
        "-d",
        db,
        "--http-port=%d" % http_port(db),
        "--log-level=warn",
        "--max-cron-threads=0",
        "--no-database-list",
    ]
    if os.path.exists(out):
        os.unlink(out)
    with open(os.path.join(ROOT, "dev", "bench_odoo.py"), "rb") as script, open(log, "ab") as log_handle:
        log_handle.write(("\n### %s %s\n" % (db, step)).encode())
        log_handle.flush()
        process = subprocess.Popen(
            command, stdin=script, stdout=log_handle, stderr=subprocess.STDOUT, env=env
        )
        try:
            status = process.wait(timeout=timeout)
        except BaseException:
            process.kill()
            process.wait()
            raise
    if status or not os.path.exists(out) or not os.path.getsize(out):
        raise RuntimeError("bench: %s on %s failed (status %s), see %s" % (step, db, status, log))
    with open(out) as handle:
        return json.load(handle)


def summary(values):
    return {"min": min(values), "median": statistics.median(values), "runs": values}


def add_drains(add, variant, drains, suffix=""):
    """The (b) and (d) metrics of one process's drains, named with `suffix`
    (a stack's mark, none on the bare stack)."""
    for drain in drains:
        add("b_drain_%d_s%s" % (drain["mails"], suffix), variant, drain["seconds"])
        add("b_queries_per_mail_%d%s" % (drain["mails"], suffix), variant, drain["queries"] / drain["mails"])
        if drain is drains[-1]:
            add("b_cpu_per_mail_ms" + suffix, variant, 1000.0 * drain["cpu_seconds"] / drain["mails"])
        add("d_peak_drain_%d_mib%s" % (drain["mails"], suffix), variant, drain["peak_kib"] / 1024.0)
        add(
            "d_growth_drain_%d_mib%s" % (drain["mails"], suffix),
            variant,
            (drain["peak_kib"] - drain["rss_before_kib"]) / 1024.0,
        )


def add_mailing(add, variant, drain, suffix):
    """The (b) metrics of a mailing's drain."""
    add("b_mailing_drain_%d_s%s" % (drain["mails"], suffix), variant, drain["seconds"])
    add("b_mailing_cpu_per_mail_ms" + suffix, variant, 1000.0 * drain["cpu_seconds"] / drain["mails"])
    add("b_mailing_queries_per_mail%s" % suffix, variant, drain["queries"] / drain["mails"])


def split_metric(metric):
    """(the bare metric's name, the stack) of a metric name."""
    base, _mark, stack = metric.partition(STACK_MARK)
    return base, stack or "bare"


def build_results(raw, floors, raw_stacks=None):
    """{metric: {variant: {min, median, runs}}} from the runs' raw output:
    `raw` the bare stack's, `raw_stacks` {stack: {variant: [results]}} the
    other stacks' (their metrics marked with the stack)."""
    metrics = {}

    def add(metric, variant, value):
        metrics.setdefault(metric, {}).setdefault(variant, []).append(value)

    for variant in VARIANTS:
        for result in raw[variant]:
            add("a_quotation_cold_s", variant, result["quotation_cold"])
            if result["quotation_warm"]:
                add("a_quotation_warm_s", variant, statistics.median(result["quotation_warm"]))
            for prefix in COMPOSER_STEPS.values():
                if prefix + "_cold" in result:
                    add(prefix + "_cold_s", variant, result[prefix + "_cold"])
                if result.get(prefix + "_warm"):
                    add(prefix + "_warm_s", variant, statistics.median(result[prefix + "_warm"]))
            add_drains(add, variant, result["drain"])
            if result.get("batch_previewed"):
                previewed = result["batch_previewed"]
                add(
                    "c_batch_previewed_%d_queued_s" % previewed["invoices"],
                    variant,
                    previewed["queued_seconds"],
                )
                add("c_batch_previewed_%d_sent_s" % previewed["invoices"], variant, previewed["seconds"])
            batch = result.get("batch")
            if not batch:
                continue
            add("c_batch_%d_queued_s" % batch["invoices"], variant, batch["queued_seconds"])
            add("c_batch_%d_sent_s" % batch["invoices"], variant, batch["seconds"])
            add("c_queries_per_invoice", variant, batch["queries"] / batch["invoices"])
            add("d_peak_batch_mib", variant, batch["peak_kib"] / 1024.0)
            add("d_growth_batch_mib", variant, (batch["peak_kib"] - batch["rss_before_kib"]) / 1024.0)
    for floor in floors:
        add("b_drain_%d_s" % floor["mails"], "floor", floor["seconds"])
    for stack, by_variant in (raw_stacks or {}).items():
        for variant, results in by_variant.items():
            for result in results:
                add_drains(add, variant, result["drain"], STACK_MARK + stack)
                if result.get("mailing"):
                    add_mailing(add, variant, result["mailing"], STACK_MARK + stack)
    return {
        metric: {variant: summary(values) for variant, values in by.items()} for metric, by in metrics.items()
    }


def ratio(results, metric, over, stat="median"):
    by = results[metric]
    if "addon" not in by or over not in by or not by[over][stat]:
        return None
    return by["addon"][stat] / by[over][stat]


LABELS = {
    "a_quotation_cold_s": "(a) click to quotation composer, cold (s)",
    "a_quotation_warm_s": "(a) click to quotation composer, warm (s)",
    "a_quotation_changed_cold_s": "(a) quotation composer, changed quotation, cold (s)",
    "a_quotation_changed_warm_s": "(a) quotation composer, changed quotation, warm (s)",
    "a_invoice_cold_s": "(a) click to invoice send wizard, cold (s)",
    "a_invoice_warm_s": "(a) click to invoice send wizard, warm (s)",
    "a_invoice_send_cold_s": "(a) invoice wizard to sent, PDF rendered, cold (s)",
    "a_invoice_send_warm_s": "(a) invoice wizard to sent, PDF rendered, warm (s)",
    "a_invoice_send_changed_cold_s": "(a) invoice wizard to sent, changed invoice, cold (s)",
    "a_invoice_send_changed_warm_s": "(a) invoice wizard to sent, changed invoice, warm (s)",
    "b_drain_": "(b) queue drain, %s mails (s)",
    "b_cpu_per_mail_ms": "(b) Odoo CPU per mail, largest drain (ms)",
    "b_queries_per_mail_": "(b) SQL queries per mail, drain of %s",
    "b_mailing_drain_": "(b) drain of a mailing to %s contacts (s)",
    "b_mailing_cpu_per_mail_ms": "(b) Odoo CPU per mail, mailing (ms)",
    "b_mailing_queries_per_mail": "(b) SQL queries per mail, mailing",
    "c_batch_previewed_": "(c) batch send of %s invoices previewed before, %s (s)",
    "c_batch_": "(c) batch send of %s invoices, %s (s)",
    "c_queries_per_invoice": "(c) SQL queries per invoice",
    "d_peak_drain_": "(d) peak RSS, drain of %s mails (MiB)",
    "d_growth_drain_": "(d) RSS growth, drain of %s mails (MiB)",
    "d_peak_batch_mib": "(d) peak RSS, batch send (MiB)",
    "d_growth_batch_mib": "(d) RSS growth, batch send (MiB)",
}


def label(metric):
    """What the table and the target checks call a metric; a stack's rows
    say the stack after the part's letter: "(b) + mail_tracking: ..."."""
    base, stack = split_metric(metric)
    text = base_label(base)
    if stack == "bare":
        return text
    return (
        "%s + %s: %s" % (text[:3], stack, text[4:]) if text.startswith("(") else "%s (+ %s)" % (text, stack)
    )


def base_label(metric):
    if metric in LABELS:
        return LABELS[metric]
    for prefix, text in LABELS.items():
        if metric.startswith(prefix) and "%s" in text:
            parts = metric[len(prefix) :].split("_")
            return text % tuple(parts[: text.count("%s")])
    return metric


#: Rows in the order of the issue: (a) quotation then invoice, cold then
#: warm; (b) drains by size; (c) queued then sent; (d) peaks then growths.
ORDER = (
    "a_quotation_cold",
    "a_quotation_warm",
    "a_quotation_changed_cold",
    "a_quotation_changed_warm",
    "a_invoice_cold",
    "a_invoice_warm",
    "a_invoice_send_cold",
    "a_invoice_send_warm",
    "a_invoice_send_changed_cold",
    "a_invoice_send_changed_warm",
    "b_drain_",
    "b_cpu",
    "b_queries",
    "b_mailing_drain",
    "b_mailing_cpu",
    "b_mailing_queries",
    "c_batch_",
    "c_queries",
    "d_peak_drain",
    "d_peak_batch",
    "d_growth_drain",
    "d_growth_batch",
)


def order_key(metric):
    """The bare stack's rows first, then each stack's, in STACKS' order."""
    base, stack = split_metric(metric)
    stack_rank = list(STACKS).index(stack) if stack in STACKS else len(STACKS)
    rank = next((index for index, prefix in enumerate(ORDER) if base.startswith(prefix)), len(ORDER))
    numbers = [int(part) for part in base.split("_") if part.isdigit()]
    return (stack_rank, stack, rank, numbers, "sent" in base, base)


def target_of(metric):
    """The ratio addon/stock issue 17 asks for, None when none applies
    (queries, CPU and memory are shown, not judged). The same on every
    stack."""
    metric = split_metric(metric)[0]
    if not metric.endswith("_s"):
        return None
    for prefix, target in PDF_TARGETS.items():
        if metric == prefix or (prefix.endswith("_") and metric.startswith(prefix)):
            return target
    return DRAIN_TARGET if metric.startswith("b_drain_") else TIME_TARGET


def targets(results):
    checks = []
    for metric in sorted(results, key=order_key):
        target = target_of(metric)
        value = ratio(results, metric, "stock")
        if target is None or value is None:
            continue
        checks.append({"metric": metric, "ratio": value, "target": target, "pass": value <= target})
    return checks


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
        base = split_metric(metric)[0]

        def cell(variant, by=by, metric=base):
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
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    out = [line, fmt(header), head_line]
    for row in rows:
        out += [fmt(row), line]
    return "\n".join(out)


def chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times = [m for m in sorted(results, key=order_key) if split_metric(m)[0].endswith("_s")]
    memory = [m for m in sorted(results, key=order_key) if m.startswith("d_peak")]
    fig, axes = plt.subplots(
        1, 2, figsize=(15, 5.5), gridspec_kw={"width_ratios": [max(len(times), 1), max(len(memory), 1)]}
    )
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
        axis.set_xticklabels([textwrap.fill(label(m).rsplit(" (", 1)[0], 16) for m in metrics], fontsize=7)
        axis.set_ylabel(unit)
        axis.set_yscale("log" if axis is axes[0] else "linear")
        if metrics:
            axis.legend()
    axes[0].set_title("Time: stock Odoo 18 vs mail_document_send (log scale)")
    axes[1].set_title("Peak RSS of the Odoo process")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def profile(args, dbs, common, mails, server, log):
    """py-spy on the largest drain of each side, after the measurements
    (sampling slows the process down): a speedscope file and a summary.
    A failure to profile is reported, not fatal."""
    done = {}
    for variant in VARIANTS:
        path = os.path.join(args.out, "profile-%s.speedscope.json" % variant)
        if os.path.exists(path):
            os.unlink(path)
        extra = dict(common, MDS_BENCH_PYSPY=args.profile, MDS_BENCH_PROFILE=path)
        print("bench: profiling the drain of %d mails, %s" % (mails[-1], variant), flush=True)
        try:
            run_odoo(dbs[variant], "profile", path + ".result", extra, log, args.timeout)
            summary_path = os.path.join(args.out, "profile-%s-summary.txt" % variant)
            with open(summary_path, "w") as handle:
                handle.write(profile_summary(path))
        except Exception as error:  # noqa: BLE001 - a measurement, not the harness
            print("bench: profile of %s failed (not fatal): %s" % (variant, error), flush=True)
            continue
        finally:
            take(server)
        done[variant] = {"speedscope": path, "summary": summary_path}
        print("bench: %s, %s" % (path, summary_path), flush=True)
    return done


def profile_summary(path, top=50):
    """Where the wall time goes, from py-spy's speedscope output (sampled
    stacks of every thread, taken with --idle; the main thread's are the
    drain's): share of the samples taken in process_email_queue per
    function, inclusive and self, with the function's hottest line.
    Sampling includes waiting, so SQL shows as time in execute and SMTP as
    time in socket reads."""
    with open(path) as handle:
        data = json.load(handle)

    def where(frame):
        # Paths shown from inside the virtualenv or Odoo's checkout.
        path = frame.get("file", "?").split("site-packages/")[-1]
        _odoo, found, inside = path.partition("/src/odoo-18.0-")
        return inside.partition("/")[2] if found else path

    frames = data["shared"]["frames"]
    functions = ["%s (%s)" % (frame["name"], where(frame)) for frame in frames]
    # The main thread drained the queue (with --idle, every thread has as
    # many samples: the HTTP server's wait in select() too).
    mains = [profile for profile in data["profiles"] if "MainThread" in profile.get("name", "")]
    main = mains[0] if mains else max(data["profiles"], key=lambda profile: len(profile["samples"]))
    inclusive, own, lines, total = {}, {}, {}, 0
    weights = main.get("weights") or [1] * len(main["samples"])
    # Only the drain: not the profiler's own start (attaching) and stop.
    drain_frames = {
        index for index, frame in enumerate(frames) if frame["name"].endswith("process_email_queue")
    }
    for stack, _weight in zip(main["samples"], weights, strict=True):
        weight = 1  # a sample (py-spy's speedscope weights are seconds)
        if not drain_frames.intersection(stack):
            continue
        # From process_email_queue down: the shell and script frames above
        # it are in every sample and say nothing.
        stack = stack[min(position for position, index in enumerate(stack) if index in drain_frames) :]
        total += weight
        for function in {functions[index] for index in stack}:
            inclusive[function] = inclusive.get(function, 0) + weight
        for index in set(stack):
            line = "%s:%s" % (where(frames[index]), frames[index].get("line"))
            lines.setdefault(functions[index], {}).setdefault(line, 0)
            lines[functions[index]][line] += weight
        own[functions[stack[-1]]] = own.get(functions[stack[-1]], 0) + weight
    if not total:
        raise RuntimeError("py-spy took no sample of process_email_queue")

    def hottest(function):
        return max(lines[function].items(), key=lambda item: item[1])[0]

    out = [
        "%s: %d samples (100 a second) in process_email_queue, the base of every share below"
        % (main.get("name", "thread"), total),
        "",
        "inclusive:",
    ]
    for function, count in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        out.append("%5.1f%%  %s  [%s]" % (100.0 * count / total, function, hottest(function)))
    out += ["", "self:"]
    for function, count in sorted(own.items(), key=lambda item: -item[1])[:20]:
        out.append("%5.1f%%  %s" % (100.0 * count / total, function))
    return "\n".join(out) + "\n"


def sample(runs, variant, step, dbs, common, args, log, run):
    """One Odoo process, with the machine's load before and after."""
    before = load_average()
    result = run_odoo(
        dbs[variant],
        step,
        os.path.join(args.out, "%s-%s-%s.json" % (step, variant, run)),
        common,
        log,
        args.timeout,
    )
    result["load_before"], result["load_after"] = before, load_average()
    runs.append(result)
    return result


def parse_parts(parser, text):
    parts = [part for part in text.split(",") if part]
    if not parts or set(parts) - set(PARTS):
        parser.error("--parts wants some of %s" % ", ".join(PARTS))
    return parts


def composers(result, samples, variant, dbs, common, args, log, run, server):
    """The composer steps beyond `measure`, each in a fresh process, into
    `result` (`<prefix>_cold`, `_warm`, `_load`)."""
    for step, prefix in COMPOSER_STEPS.items():
        # Rolled back: an invoice send's mail never leaves.
        composer = sample(samples, variant, step, dbs, common, args, log, run)
        take(server)
        if step == "invoice_composer":
            composer = {
                "cold": composer["invoice_cold"],
                "warm": composer["invoice_warm"],
                "load": composer["invoice_load"],
            }
        result.update(
            {
                prefix + "_cold": composer["cold"],
                prefix + "_warm": composer["warm"],
                prefix + "_load": composer["load"],
            }
        )
        result["load"][step] = samples[-1]["load_before"] + samples[-1]["load_after"]


def parse_stacks(parser, text):
    stacks = [stack for stack in text.split(",") if stack]
    if not stacks or set(stacks) - set(STACKS):
        parser.error("--stacks wants some of %s" % ", ".join(STACKS))
    return [stack for stack in STACKS if stack in stacks]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stock-db", help="the bare stack's stock database")
    parser.add_argument("--addon-db", help="the bare stack's database with the addon")
    parser.add_argument(
        "--stack-db",
        nargs=3,
        action="append",
        default=[],
        metavar=("STACK", "STOCK_DB", "ADDON_DB"),
        help="the two databases of a stack other than bare (its modules installed on both)",
    )
    parser.add_argument(
        "--stacks",
        help="the stacks the drain is measured on, comma-separated among %s (default: all; with --quick,"
        " bare); composers and batch are measured on bare only" % ", ".join(STACKS),
    )
    parser.add_argument("--out", default=os.path.join(ROOT, "artifacts", "bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm", type=int, default=3, help="warm openings of each composer per run")
    parser.add_argument("--mails", default="100,500", help="queue sizes drained, comma-separated")
    parser.add_argument("--invoices", type=int, default=50)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 1 run, 20/50 mails, 5 invoices, bare stack only"
    )
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="what to measure, comma-separated among %s (default: all)" % ", ".join(PARTS),
    )
    parser.add_argument("--command", default="make bench", help="recorded in the JSON")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds allowed to one Odoo process")
    parser.add_argument(
        "--profile", metavar="PY_SPY", help="py-spy binary: profile the largest drain of each variant"
    )
    args = parser.parse_args()
    if args.quick:
        args.runs, args.warm, args.mails, args.invoices = 1, 1, "20,50", 5
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.parts = parse_parts(parser, args.parts)
    args.stacks = parse_stacks(parser, args.stacks or ("bare" if args.quick else ",".join(STACKS)))
    args.mail_sizes = [int(count) for count in args.mails.split(",")]
    if not args.mail_sizes or min(args.mail_sizes) < 1 or args.invoices < 2:
        parser.error("--mails wants positive sizes, --invoices at least 2 (one opens the single wizard)")
    # The bare databases measure the composers and the batch, and the drain
    # when bare is one of the stacks; the other stacks measure the drain.
    args.bare_parts = [part for part in args.parts if part != "drain" or "bare" in args.stacks]
    args.other_stacks = [stack for stack in args.stacks if stack != "bare"] if "drain" in args.parts else []
    args.stack_dbs = {stack: {"stock": stock, "addon": addon} for stack, stock, addon in args.stack_db}
    missing = [stack for stack in args.other_stacks if stack not in args.stack_dbs]
    if missing:
        parser.error("no --stack-db for %s" % ", ".join(missing))
    if args.bare_parts and not (args.stock_db and args.addon_db):
        parser.error("--stock-db and --addon-db are needed for %s" % ", ".join(args.bare_parts))
    return args


class Bench:
    """One `make bench`: the SMTP server, the databases, the runs' raw
    output."""

    def __init__(self, args, server):
        self.args, self.server = args, server
        self.mails = args.mail_sizes
        self.mailing_size = max(self.mails)
        self.log = os.path.join(args.out, "odoo.log")
        self.dbs = {"stock": args.stock_db, "addon": args.addon_db}
        self.common = {
            "MDS_BENCH_SMTP_PORT": str(server.port),
            "MDS_BENCH_PDF": os.path.join(args.out, "queued-mail.pdf"),
            "MDS_BENCH_WARM": str(args.warm),
            "MDS_BENCH_MAILS": args.mails,
            "MDS_BENCH_INVOICES": str(args.invoices),
            "MDS_BENCH_PARTS": ",".join(args.bare_parts),
        }
        self.raw = {variant: [] for variant in VARIANTS}
        self.raw_stacks = {stack: {variant: [] for variant in VARIANTS} for stack in args.other_stacks}
        self.floors = []
        self.floor_file = os.path.join(args.out, "floor-messages.pickle")
        self.prepared = {}

    def stack_env(self, stack):
        env = dict(self.common, MDS_BENCH_STACK_MODULES=",".join(("mail_document_send", *STACKS[stack])))
        if stack in MAILING_STACKS:
            env["MDS_BENCH_MAILING"] = str(self.mailing_size)
        return env

    def prepare(self):
        """Once per database, not timed: the quotations, the PDF."""
        todo = [("bare", self.dbs, self.common)] if self.args.bare_parts else []
        todo += [
            (stack, self.args.stack_dbs[stack], self.stack_env(stack)) for stack in self.args.other_stacks
        ]
        for stack, dbs, env in todo:
            for variant in VARIANTS:
                print("bench: preparing %s, %s (%s)" % (stack, variant, dbs[variant]), flush=True)
                self.prepared.setdefault(stack, {})[variant] = run_odoo(
                    dbs[variant],
                    "prepare",
                    os.path.join(self.args.out, "prepare-%s-%s.json" % (stack, variant)),
                    env,
                    self.log,
                    self.args.timeout,
                )
                take(self.server)

    def check_received(self, received, expected, what):
        if len(received) != expected:
            raise RuntimeError(
                "bench: the SMTP server got %d messages from %s, expected %d"
                % (len(received), what, expected)
            )

    def run_bare(self, run):
        """The bare stack's run: stock then addon, every part asked for."""
        args, parts = self.args, self.args.bare_parts
        for variant in VARIANTS:  # A B A B ...
            print(
                "bench: run %d/%d, bare, %s, load %s" % (run, args.runs, variant, load_average()), flush=True
            )
            samples = []
            result = sample(samples, variant, "measure", self.dbs, self.common, args, self.log, run)
            received = take(self.server)
            if result["addon"] != (variant == "addon"):
                raise RuntimeError(
                    "bench: mail_document_send installed on %s: %s" % (variant, result["addon"])
                )
            result["load"] = {"measure": samples[0]["load_before"] + samples[0]["load_after"]}
            if "composers" in parts:
                composers(result, samples, variant, self.dbs, self.common, args, self.log, run, self.server)
            expected = (sum(self.mails) if "drain" in parts else 0) + (
                2 * args.invoices if "batch" in parts else 0
            )
            self.check_received(received, expected, variant)
            self.raw[variant].append(result)
            if variant == "addon" and "drain" in parts and not os.path.exists(self.floor_file):
                # The floor replays what the addon sent in its largest drain.
                start = sum(self.mails[:-1])
                with open(self.floor_file, "wb") as handle:
                    pickle.dump(
                        [(m.mail_from, m.rcpt_tos, m.data) for m in received[start : start + self.mails[-1]]],
                        handle,
                        protocol=4,
                    )
        if "drain" in parts:
            self.run_floor()

    def run_floor(self):
        venv_python = os.path.join(os.environ["MDS_VENV"], "bin", "python")
        before = load_average()
        output = subprocess.run(
            [
                venv_python,
                os.path.join(ROOT, "dev", "bench_floor.py"),
                self.floor_file,
                self.server.host,
                str(self.server.port),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=self.args.timeout,
        ).stdout
        floor = json.loads(output)
        floor["load"] = before + load_average()
        self.floors.append(floor)
        take(self.server)

    def run_stack(self, stack, run):
        """A stack's run: the drains, stock then addon, each side checked
        to be the stack it names."""
        dbs, env = self.args.stack_dbs[stack], self.stack_env(stack)
        for variant in VARIANTS:
            print(
                "bench: run %d/%d, %s, %s, load %s" % (run, self.args.runs, stack, variant, load_average()),
                flush=True,
            )
            samples = []
            result = sample(samples, variant, "stack", dbs, env, self.args, self.log, "%s-%d" % (stack, run))
            expected = sum(self.mails) + (self.mailing_size if stack in MAILING_STACKS else 0)
            self.check_received(take(self.server), expected, "%s, %s" % (stack, variant))
            expected = sorted(STACKS[stack] + (("mail_document_send",) if variant == "addon" else ()))
            if result["modules"] != expected:
                raise RuntimeError(
                    "bench: %s, %s has %s installed, not %s" % (stack, variant, result["modules"], expected)
                )
            if "mail_tracking" in STACKS[stack] and result.get("tracked") != sum(self.mails):
                raise RuntimeError(
                    "bench: mail_tracking tracked %s mails on %s, %d sent"
                    % (result.get("tracked"), variant, sum(self.mails))
                )
            result["load"] = {"stack": samples[0]["load_before"] + samples[0]["load_after"]}
            self.raw_stacks[stack][variant].append(result)

    def measure(self):
        self.prepare()
        for run in range(1, self.args.runs + 1):
            if self.args.bare_parts:
                self.run_bare(run)
            for stack in self.args.other_stacks:
                self.run_stack(stack, run)
        if self.args.profile and "drain" in self.args.bare_parts:
            return profile(self.args, self.dbs, self.common, self.mails, self.server, self.log)
        return {}

    def one_minute_loads(self):
        """The 1-minute load at every process start and end: what the
        table's noise comes from on a shared machine."""
        results = [result for variant in VARIANTS for result in self.raw[variant]]
        results += [
            result for by in self.raw_stacks.values() for variant in VARIANTS for result in by[variant]
        ]
        return [values[index] for result in results for values in result["load"].values() for index in (0, 3)]


def write_report(bench, results, profiles, started, load_start):
    """bench.json and bench.png; the report's dict."""
    args = bench.args
    text = table(results)
    one_minute = bench.one_minute_loads()
    first = next(iter(bench.prepared.values()), {}).get("stock", {})
    report = {
        "command": args.command,
        "date_utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "seconds": round(time.time() - started),
        "machine": {
            "cpus": os.cpu_count(),
            "harness_python": platform.python_version(),
            "load_start": load_start,
            "load_end": load_average(),
            "load_1min_range": [min(one_minute), max(one_minute)],
            "note": "load = os.getloadavg() (1, 5, 15 min), before + after: every Odoo process in"
            " raw[side][run].load and raw_stacks[stack][side][run].load, every measure in its own load"
            " (quotation_load, invoice_load, drain[].load, batch.load), every floor in floor[].load",
        },
        "settings": {
            "runs": args.runs,
            "warm": args.warm,
            "mails": bench.mails,
            "invoices": args.invoices,
            "parts": args.parts,
            "stacks": {stack: list(STACKS[stack]) for stack in args.stacks},
            "stack_metrics": "a stack's metrics are the bare ones followed by %r and the stack" % STACK_MARK,
            "pdf_bytes": first.get("pdf_bytes"),
        },
        "ratios": {
            metric: {
                "addon/stock": {
                    "ratio": ratio(results, metric, "stock"),
                    "of": "medians",
                    "target": target_of(metric),
                },
                "addon/stock min": {"ratio": ratio(results, metric, "stock", "min"), "of": "minimums"},
                **(
                    {"addon/floor": {"ratio": ratio(results, metric, "floor"), "of": "medians"}}
                    if "floor" in results[metric]
                    else {}
                ),
            }
            for metric in results
        },
        "targets": targets(results),
        "results": results,
        "raw": bench.raw,
        "raw_stacks": bench.raw_stacks,
        "floor": bench.floors,
        "profiles": profiles,
        "table": text,
    }
    with open(os.path.join(args.out, "bench.json"), "w") as handle:
        json.dump(report, handle, indent=1)
    chart(results, os.path.join(args.out, "bench.png"))
    return report


def print_report(bench, report, load_start):
    print(report["table"])
    print(
        "Targets (addon/stock, ratio of the medians; a measurement: the exit status does not depend on them):"
    )
    width = max([len(label(check["metric"])) for check in report["targets"]] or [0])
    for check in report["targets"]:
        print(
            "  %s  %s %.2f (target <= %.2f)"
            % (
                "PASS" if check["pass"] else "FAIL",
                label(check["metric"]).ljust(width),
                check["ratio"],
                check["target"],
            )
        )
    low, high = report["machine"]["load_1min_range"]
    print(
        "bench: %d runs, stacks %s, %d s, load (1/5/15 min) %s at the start, %s at the end, 1-min load"
        " %.2f to %.2f over the samples (%d cores); %s/bench.json and bench.png"
        % (
            bench.args.runs,
            ",".join(bench.args.stacks),
            report["seconds"],
            load_start,
            report["machine"]["load_end"],
            low,
            high,
            os.cpu_count(),
            bench.args.out,
        )
    )


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    open(os.path.join(args.out, "odoo.log"), "w").close()
    pdf = os.path.join(args.out, "queued-mail.pdf")
    if os.path.exists(pdf):
        os.unlink(pdf)
    load_smtp_server.module = load_smtp_server()
    server = load_smtp_server.module.ScriptedSmtpServer().start()
    started = time.time()
    load_start = load_average()
    bench = Bench(args, server)
    try:
        profiles = bench.measure()
    finally:
        server.stop()
        if os.path.exists(bench.floor_file):
            os.unlink(bench.floor_file)
    results = build_results(bench.raw, bench.floors, bench.raw_stacks)
    report = write_report(bench, results, profiles, started, load_start)
    print_report(bench, report, load_start)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:
        sys.exit(str(error))
