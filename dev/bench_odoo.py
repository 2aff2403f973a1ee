# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run by `dev/odoo shell -d DB --http-port=PORT < dev/bench_odoo.py` for
dev/bench.py: the same code on the stock database and on the addon's.

What to do comes from the environment (odoo shell takes no script
arguments): MDS_BENCH_STEP (prepare | measure | quotation_changed |
invoice_composer | invoice_send | invoice_send_changed | profile | drain |
stack),
MDS_BENCH_PARTS (what `measure` does: "composers,drain,batch" by default),
MDS_BENCH_OUT (JSON written there), MDS_BENCH_SMTP_PORT, MDS_BENCH_PDF (the
~30 KB quotation PDF every queued mail carries), MDS_BENCH_WARM,
MDS_BENCH_MAILS ("100,500"), MDS_BENCH_INVOICES, for the profile
MDS_BENCH_PYSPY and MDS_BENCH_PROFILE (the speedscope file written), for
`stack` MDS_BENCH_STACK_MODULES (the modules whose installation it reports)
and MDS_BENCH_MAILING (the size of a mailing drained after the document
mails, mass_mailing's stack).
"""

# `env` and `odoo` are given by odoo shell.
import json
import logging
import os
import resource
import signal
import subprocess
import time

import odoo  # noqa: F811
from odoo import Command
from odoo.tools import config

# odoo.tests.common logs an ERROR when imported outside a test run; the
# benchmark only borrows its Form (what the web client asks of a form view).
logging.getLogger("odoo.tests.common").setLevel(logging.CRITICAL)
from odoo.tests import Form  # noqa: E402

BENCH_TAG = "mds-bench"
#: The invoice whose send wizard (a) opens: never sent (each opening is
#: rolled back), so both sides open the wizard on the same kind of invoice.
WIZARD_TAG = "mds-bench-wizard"
SERVER_NAME = "Benchmark SMTP server"
MAILING_LIST = "mds-bench mailing list"


def queries():
    """Every SQL query of this process so far, whatever the cursor: the
    cron's, the post-commit sends' and the HTTP thread's (wkhtmltopdf
    fetching the report CSS) count too."""
    return odoo.sql_db.sql_counter


def load():
    """The machine's load average (1, 5, 15 min): the other processes' share."""
    return [round(value, 2) for value in os.getloadavg()]


def rss_kib(key):
    """VmRSS / VmHWM of this process, in KiB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reset_peak():
    """Start a new RSS high-water mark (Linux: writing 5 to clear_refs), so
    that each measurement gets its own peak, not the setup's."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def serve_http():
    """wkhtmltopdf fetches the report CSS from Odoo: serve HTTP here (odoo
    shell starts its server without it), on the port given to the shell,
    and point the database at it."""
    server = odoo.service.server.server
    server.http_spawn()
    url = "http://127.0.0.1:%s" % config["http_port"]
    params = env["ir.config_parameter"].sudo()  # noqa: F821
    params.set_param("report.url", url)
    params.set_param("web.base.url", url)
    env.cr.commit()  # noqa: F821


def use_server(port):
    """The benchmark's SMTP server is the only active outgoing server."""
    servers = env["ir.mail_server"].sudo().with_context(active_test=False)  # noqa: F821
    servers.search([("name", "!=", SERVER_NAME)]).write({"active": False})
    server = servers.search([("name", "=", SERVER_NAME)])
    values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none", "active": True}
    if server:
        server.write(values)
    else:
        servers.create(dict(values, name=SERVER_NAME, sequence=1))
    env.cr.commit()  # noqa: F821


def customers():
    return env["res.partner"].search(  # noqa: F821
        [("customer_rank", ">", 0), ("email", "!=", False)], order="id", limit=10
    )


def bench_orders():
    return env["sale.order"].search(  # noqa: F821
        [("client_order_ref", "=", BENCH_TAG)], order="id"
    )


def unsent_queue():
    return env["mail.mail"].sudo().search([("state", "in", ("outgoing", "exception"))])  # noqa: F821


def prepare(out):
    """Once per database, committed: the benchmark's quotations (one per
    customer with an email, up to ten, followed by nobody but their
    salesperson, the author: a post on them mails exactly the customer),
    the invoice whose send wizard (a) opens, the report assets, and (first
    database only) the PDF the queued mails carry."""
    # Four lines: the quotation's PDF is about 27 KB, a real one's size.
    products = env["product.product"].search([("sale_ok", "=", True)], order="id", limit=4)  # noqa: F821
    partners = customers()
    if len(partners) < 2:
        raise RuntimeError("the template has %d customers with an email" % len(partners))
    orders = bench_orders()
    for number in range(len(orders), len(partners)):
        orders |= (
            env["sale.order"]  # noqa: F821
            .with_context(mail_create_nosubscribe=True, tracking_disable=True)
            .create(
                {
                    "partner_id": partners[number].id,
                    "client_order_ref": BENCH_TAG,
                    "order_line": [
                        Command.create({"product_id": product.id, "product_uom_qty": 1 + number})
                        for product in products
                    ],
                }
            )
        )
    orders.message_unsubscribe(partner_ids=partners.ids)
    if not env["account.move"].search_count([("ref", "=", WIZARD_TAG)]):  # noqa: F821
        make_invoices(1, WIZARD_TAG)
    # Mails left by the template's demo data would be sent by the first drain.
    unsent_queue().unlink()
    env.cr.commit()  # noqa: F821
    # Renders (and commits) the asset bundles, as dev/warm_report_assets.py.
    pdf, _format = env["ir.actions.report"]._render_qweb_pdf("sale.action_report_saleorder", orders[:1].ids)  # noqa: F821
    env.cr.commit()  # noqa: F821
    if not pdf.startswith(b"%PDF"):
        raise RuntimeError("the quotation report is not a PDF (wkhtmltopdf?)")
    path = os.environ["MDS_BENCH_PDF"]
    if not os.path.exists(path):
        with open(path, "wb") as handle:
            handle.write(pdf)
    json.dump({"orders": len(orders), "pdf_bytes": len(pdf)}, out)


def make_invoices(count, tag=BENCH_TAG):
    """`count` posted customer invoices, committed, never sent: each run
    sends fresh ones (18 renders an invoice's PDF once and keeps it)."""
    partners = customers()
    product = env["product.product"].search([("sale_ok", "=", True)], order="id", limit=1)  # noqa: F821
    invoices = env["account.move"].create(  # noqa: F821
        [
            {
                "move_type": "out_invoice",
                "partner_id": partners[number % len(partners)].id,
                "ref": tag,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.id, "quantity": 1 + number % 5, "price_unit": 100.0 + number}
                    )
                ],
            }
            for number in range(count)
        ]
    )
    invoices.action_post()
    env.cr.commit()  # noqa: F821
    return invoices


def change_document(record):
    """A change that shows in the document's PDF (its terms and
    conditions), made before the click as a save in an earlier request
    would: written, and nothing of it left in the ORM cache."""
    record.write({"note" if record._name == "sale.order" else "narration": "<p>Changed %r</p>" % time.time()})
    env.flush_all()  # noqa: F821
    env.invalidate_all()  # noqa: F821


def click_to_quotation_composer(order):
    """What the web client does when Send by Email is clicked on a
    quotation: the action, then the composer's views, defaults and onchange
    (odoo.tests.Form asks what the web client asks), which apply the
    template and render the PDF."""
    started = time.perf_counter()
    action = order.action_quotation_send()
    composer = Form(env[action["res_model"]].with_context(action["context"]))  # noqa: F821
    elapsed = time.perf_counter() - started
    if action["res_model"] != "mail.compose.message":
        raise RuntimeError("Send by Email opened %s" % action["res_model"])
    pdfs = [
        att for att in composer.attachment_ids if att.mimetype == "application/pdf" and att.raw[:4] == b"%PDF"
    ]
    if not pdfs or not composer.subject or not composer.partner_ids:
        raise RuntimeError("the composer opened without template or PDF: %r" % composer.attachment_ids)
    return elapsed


def click_to_invoice_wizard(invoice):
    """Send on a posted invoice: account.move.send.wizard (18's, not the
    composer), its views, defaults and onchange."""
    started = time.perf_counter()
    action = invoice.action_invoice_sent()
    wizard = Form(env[action["res_model"]].with_context(action["context"]))  # noqa: F821
    elapsed = time.perf_counter() - started
    if action["res_model"] != "account.move.send.wizard":
        raise RuntimeError("Send on an invoice opened %s" % action["res_model"])
    if not wizard.mail_subject or not wizard.mail_partner_ids:
        raise RuntimeError("the invoice send wizard opened without subject or recipient")
    return elapsed


def send_from_invoice_wizard(invoice):
    """Send on a posted invoice, then Send in 18's wizard: the invoice's
    PDF is rendered (18 renders it once, at its first send, and keeps it:
    each send here is rolled back, so each is a first send)."""
    started = time.perf_counter()
    action = invoice.action_invoice_sent()
    wizard = Form(env[action["res_model"]].with_context(action["context"])).save()  # noqa: F821
    wizard.action_send_and_print()
    elapsed = time.perf_counter() - started
    if not invoice.invoice_pdf_report_id.raw.startswith(b"%PDF"):
        raise RuntimeError("the invoice was sent without its PDF")
    return elapsed


def cold_and_warm(click, record, warm, change=False):
    """The first opening in this fresh process, then `warm` more; each
    rolled back (the composer's PDF attachment goes with it), each after a
    change of the document when `change`. Also the load before and after."""
    before = load()
    warm_times = []
    for index in range(warm + 1):
        if change:
            change_document(record)
        elapsed = click(record)
        env.cr.rollback()  # noqa: F821
        env.invalidate_all()  # noqa: F821
        if index:
            warm_times.append(elapsed)
        else:
            cold = elapsed
    return cold, warm_times, before + load()


def make_queue(count, pdf):
    """`count` outgoing mails as 18 makes them when a document is sent from
    its chatter or composer: a comment posted on a quotation to its
    customer, with the quotation's PDF (an attachment of its own each),
    queued (force_send off) and auto-deleted once sent (mail_auto_delete,
    as the stock document templates ask)."""
    orders = bench_orders()
    author = env.user.partner_id  # noqa: F821
    for number in range(count):
        order = orders[number % len(orders)]
        order.with_context(mail_post_autofollow=False).message_post(
            subject="Quotation %s (bench %d)" % (order.name, number),
            body="<p>Dear customer,</p><p>Please find your quotation attached.</p>",
            body_is_html=True,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=author.id,
            partner_ids=order.partner_id.ids,
            attachments=[("Quotation - %s.pdf" % order.name, pdf)],
            force_send=False,
            mail_auto_delete=True,
        )
    env.cr.commit()  # noqa: F821
    queued = unsent_queue()
    if len(queued) != count or queued.recipient_ids != orders[:count].partner_id:
        raise RuntimeError("%d mails queued for %d posts" % (len(queued), count))


def start_profiler(path):
    """py-spy on this very process, sampling only what follows."""
    profiler = subprocess.Popen(
        [
            os.environ["MDS_BENCH_PYSPY"],
            "record",
            "--pid",
            str(os.getpid()),
            "--rate",
            "100",
            "--format",
            "speedscope",
            "--output",
            path,
            "--nonblocking",
            # Wall time: a thread waiting for PostgreSQL or the SMTP server
            # is sampled too (py-spy drops idle threads otherwise).
            "--idle",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(path + ".log", "wb"),  # noqa: SIM115 - py-spy's own, closed with it
    )
    time.sleep(1.5)  # attached
    if profiler.poll() is not None:
        with open(path + ".log", "rb") as handle:
            raise RuntimeError("py-spy could not attach: %s" % handle.read().decode(errors="replace"))
    return profiler


def stop_profiler(profiler):
    profiler.send_signal(signal.SIGINT)
    profiler.wait(timeout=120)


def drain(count, pdf, profile_to=None):
    """(b) The queue of `count` mails drained by process_email_queue (the
    mail cron's method), committing after each mail as the cron does."""
    unsent_queue().unlink()
    env.cr.commit()  # noqa: F821
    make_queue(count, pdf)
    return timed_drain(count, profile_to)


def timed_drain(count, profile_to=None):
    """The queue made by the caller (`count` mails, committed) drained by
    process_email_queue, measured; no mail may be left unsent."""
    Mail = env["mail.mail"].sudo()  # noqa: F821
    env.invalidate_all()  # noqa: F821
    reset_peak()
    rss_before = rss_kib("VmRSS")
    profiler = start_profiler(profile_to) if profile_to else None
    load_before = load()
    count_before, cpu = queries(), cpu_seconds()
    started = time.perf_counter()
    Mail.process_email_queue()
    elapsed = time.perf_counter() - started
    sql, cpu = queries() - count_before, cpu_seconds() - cpu
    peak = rss_kib("VmHWM")
    load_after = load()
    if profiler:
        stop_profiler(profiler)
    left = unsent_queue()
    if left:
        raise RuntimeError(
            "%d mails not sent by the queue: %s" % (len(left), left[:3].mapped("failure_reason"))
        )
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "queries": sql,
        "mails": count,
        "rss_before_kib": rss_before,
        "peak_kib": peak,
        "load": load_before + load_after,
    }


def mailing_contacts(count):
    """`count` contacts of the benchmark's mailing list, each its own
    address, made once (committed)."""
    lists = env["mailing.list"]  # noqa: F821
    mailing_list = lists.search([("name", "=", MAILING_LIST)], limit=1) or lists.create(
        {"name": MAILING_LIST}
    )
    contacts = env["mailing.contact"].search([("list_ids", "in", mailing_list.ids)], order="id")  # noqa: F821
    if len(contacts) < count:
        contacts |= env["mailing.contact"].create(  # noqa: F821
            [
                {
                    "name": "Bench contact %d" % number,
                    "email": "bench-contact-%d@example.com" % number,
                    "list_ids": [Command.link(mailing_list.id)],
                }
                for number in range(len(contacts), count)
            ]
        )
    env.cr.commit()  # noqa: F821
    return mailing_list, contacts[:count]


def mailing_drain(count):
    """(b) on the mass_mailing stack: a mailing to `count` contacts of a
    list, sent as the mailing's Send button does (mass_mailing's composer
    queues one mail per contact with its trace: the force-send limit is set
    to 0 so that it queues them, as it does above 100 recipients), drained
    like the document mails; every trace must say sent."""
    unsent_queue().unlink()
    mailing_list, contacts = mailing_contacts(count)
    env["ir.config_parameter"].sudo().set_param("mail.mail.force.send.limit", "0")  # noqa: F821
    mailing = env["mailing.mailing"].create(  # noqa: F821
        {
            "subject": "Bench mailing %s" % time.time(),
            "body_html": "<p>Hello,</p><p>The news of the week.</p>",
            "mailing_model_id": env["ir.model"]._get_id("mailing.list"),  # noqa: F821
            "contact_list_ids": [Command.link(mailing_list.id)],
        }
    )
    mailing.action_send_mail(res_ids=contacts.ids)
    env.cr.commit()  # noqa: F821
    queued = unsent_queue()
    if len(queued) != count or queued.mailing_id != mailing:
        raise RuntimeError("%d mails queued for a mailing to %d contacts" % (len(queued), count))
    result = timed_drain(count)
    traces = mailing.mailing_trace_ids
    if len(traces) != count or set(traces.mapped("trace_status")) != {"sent"}:
        raise RuntimeError("the mailing's traces: %s" % sorted(traces.mapped("trace_status")))
    return result


def preview(invoices):
    """Each invoice's PDF rendered once, as a preview or a print does
    (not timed). Only where the addon is: stock keeps nothing of a preview,
    its batch renders every PDF whatever came before."""
    if not addon_installed():
        return
    for invoice in invoices:
        env["ir.actions.report"]._render_qweb_pdf("account.account_invoices", invoice.ids)  # noqa: F821
    env.cr.commit()  # noqa: F821


def batch_send(count, previewed=False):
    """(c) `count` invoices selected in the list, Send: 18's
    account.move.send.batch.wizard, then its cron
    (account.ir_cron_account_move_send, 20 invoices a run, re-triggered) until
    no invoice waits, then the mail queue until no mail waits. Stock 18 sends
    the mails of each cron run right after its commit (send_after_commit):
    for stock, 'queued' already includes most of the sending."""
    invoices = make_invoices(count)
    if previewed:
        preview(invoices)
    cron = env.ref("account.ir_cron_account_move_send")  # noqa: F821
    Move = env["account.move"]  # noqa: F821
    env.invalidate_all()  # noqa: F821
    reset_peak()
    rss_before = rss_kib("VmRSS")
    load_before = load()
    count_before, cpu = queries(), cpu_seconds()
    started = time.perf_counter()
    action = invoices.action_send_and_print()
    if action["res_model"] != "account.move.send.batch.wizard":
        raise RuntimeError("Send on %d invoices opened %s" % (count, action["res_model"]))
    wizard = Form(env[action["res_model"]].with_context(action["context"])).save()  # noqa: F821
    wizard.action_send_and_print()
    env.cr.commit()  # noqa: F821
    cron_runs = 0
    while Move.search_count([("id", "in", invoices.ids), ("sending_data", "!=", False)]):
        cron_runs += 1
        if cron_runs > count + 5:
            raise RuntimeError("the invoice sending cron does not progress")
        cron.method_direct_trigger()
        env.cr.commit()  # noqa: F821
        env.invalidate_all()  # noqa: F821
    queued = time.perf_counter() - started
    mail_runs = 0
    while unsent_queue().filtered(lambda mail: mail.state == "outgoing"):
        mail_runs += 1
        if mail_runs > 5:
            break
        env["mail.mail"].sudo().process_email_queue()  # noqa: F821
        env.invalidate_all()  # noqa: F821
    sent = time.perf_counter() - started
    sql, cpu = queries() - count_before, cpu_seconds() - cpu
    peak = rss_kib("VmHWM")
    load_after = load()
    env.invalidate_all()  # noqa: F821
    not_sent = invoices.filtered(lambda move: not move.is_move_sent)
    left = unsent_queue()
    if not_sent or left:
        raise RuntimeError(
            "%d invoices not sent, %d mails left: %s"
            % (len(not_sent), len(left), left[:3].mapped("failure_reason"))
        )
    return {
        "queued_seconds": queued,
        "seconds": sent,
        "cpu_seconds": cpu,
        "queries": sql,
        "invoices": count,
        "cron_runs": cron_runs,
        "rss_before_kib": rss_before,
        "peak_kib": peak,
        "load": load_before + load_after,
    }


def addon_installed():
    return bool(
        env["ir.module.module"].search(  # noqa: F821
            [("name", "=", "mail_document_send"), ("state", "=", "installed")]
        )
    )


def measure(out):
    """One run on this database, in this fresh process: (a) quotation
    composer cold then warm, (b) the drains, (c) the batch send."""
    warm = int(os.environ.get("MDS_BENCH_WARM", "3"))
    # Cold: the very first thing this process does after serving HTTP.
    order = bench_orders()[:1]
    cold, warm_times, composer_load = cold_and_warm(click_to_quotation_composer, order, warm)
    result = {
        "pid": os.getpid(),
        "addon": addon_installed(),
        "quotation_cold": cold,
        "quotation_warm": warm_times,
        "quotation_load": composer_load,
    }
    parts = os.environ.get("MDS_BENCH_PARTS", "composers,drain,batch").split(",")
    use_server(int(os.environ["MDS_BENCH_SMTP_PORT"]))
    with open(os.environ["MDS_BENCH_PDF"], "rb") as handle:
        pdf = handle.read()
    result["pdf_bytes"] = len(pdf)
    result["drain"] = (
        [drain(int(count), pdf) for count in os.environ.get("MDS_BENCH_MAILS", "100,500").split(",")]
        if "drain" in parts
        else []
    )
    if "batch" in parts:
        result["batch"] = batch_send(int(os.environ.get("MDS_BENCH_INVOICES", "50")))
        result["batch_previewed"] = batch_send(
            int(os.environ.get("MDS_BENCH_INVOICES", "50")), previewed=True
        )
    result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(result, out)


def invoice_composer(out):
    """(a) for the invoice, in a fresh process of its own (a cold opening
    is the first one of a process)."""
    warm = int(os.environ.get("MDS_BENCH_WARM", "3"))
    invoice = env["account.move"].search([("ref", "=", WIZARD_TAG)], limit=1)  # noqa: F821
    cold, warm_times, composer_load = cold_and_warm(click_to_invoice_wizard, invoice, warm)
    json.dump(
        {"pid": os.getpid(), "invoice_cold": cold, "invoice_warm": warm_times, "invoice_load": composer_load},
        out,
    )


def quotation_changed(out):
    """(a) the quotation composer after a change of the quotation, in a
    fresh process (cold: its first opening)."""
    warm = int(os.environ.get("MDS_BENCH_WARM", "3"))
    order = bench_orders()[:1]
    cold, warm_times, composer_load = cold_and_warm(click_to_quotation_composer, order, warm, change=True)
    json.dump({"cold": cold, "warm": warm_times, "load": composer_load}, out)


def invoice_send(out, change=False):
    """(a) Send from the invoice wizard, PDF included, in a fresh process."""
    warm = int(os.environ.get("MDS_BENCH_WARM", "3"))
    use_server(int(os.environ["MDS_BENCH_SMTP_PORT"]))
    invoice = env["account.move"].search([("ref", "=", WIZARD_TAG)], limit=1)  # noqa: F821
    cold, warm_times, composer_load = cold_and_warm(send_from_invoice_wizard, invoice, warm, change=change)
    json.dump({"cold": cold, "warm": warm_times, "load": composer_load}, out)


def profile(out):
    """The largest drain only, sampled by py-spy into MDS_BENCH_PROFILE
    (speedscope JSON: https://www.speedscope.app, or bench.py's summary)."""
    use_server(int(os.environ["MDS_BENCH_SMTP_PORT"]))
    with open(os.environ["MDS_BENCH_PDF"], "rb") as handle:
        pdf = handle.read()
    count = int(os.environ.get("MDS_BENCH_MAILS", "500").split(",")[-1])
    json.dump(drain(count, pdf, profile_to=os.environ["MDS_BENCH_PROFILE"]), out)


def drains_only(out):
    """(b) alone, for dev/drain_probe.py: the drains of MDS_BENCH_MAILS."""
    use_server(int(os.environ["MDS_BENCH_SMTP_PORT"]))
    with open(os.environ["MDS_BENCH_PDF"], "rb") as handle:
        pdf = handle.read()
    json.dump([drain(int(count), pdf) for count in os.environ["MDS_BENCH_MAILS"].split(",")], out)


def installed(names):
    """Which of the modules `names` are installed here."""
    return sorted(
        env["ir.module.module"]  # noqa: F821
        .search([("name", "in", names), ("state", "=", "installed")])
        .mapped("name")
    )


def tracking_rows():
    """mail_tracking's rows (one per mail its send_email saw), None
    without it: the stack's hook must be in the loop on both sides."""
    if "mail.tracking.email" not in env:  # noqa: F821
        return None
    return env["mail.tracking.email"].sudo().search_count([])  # noqa: F821


def stack(out):
    """(b) on a stack's database (another mail addon installed beside, or
    not, this one): the same drains as `measure`'s, then with
    MDS_BENCH_MAILING a mailing's (mass_mailing), and what is installed,
    for bench.py to check that each side is the stack it names."""
    use_server(int(os.environ["MDS_BENCH_SMTP_PORT"]))
    with open(os.environ["MDS_BENCH_PDF"], "rb") as handle:
        pdf = handle.read()
    tracked = tracking_rows()
    result = {
        "pid": os.getpid(),
        "addon": addon_installed(),
        "modules": installed(os.environ.get("MDS_BENCH_STACK_MODULES", "").split(",")),
        "drain": [drain(int(count), pdf) for count in os.environ["MDS_BENCH_MAILS"].split(",")],
    }
    if tracked is not None:
        result["tracked"] = tracking_rows() - tracked
    if os.environ.get("MDS_BENCH_MAILING"):
        result["mailing"] = mailing_drain(int(os.environ["MDS_BENCH_MAILING"]))
    json.dump(result, out)


def main():
    serve_http()
    step = os.environ["MDS_BENCH_STEP"]
    steps = {
        "prepare": prepare,
        "measure": measure,
        "invoice_composer": invoice_composer,
        "quotation_changed": quotation_changed,
        "invoice_send": invoice_send,
        "invoice_send_changed": lambda out: invoice_send(out, change=True),
        "profile": profile,
        "drain": drains_only,
        "stack": stack,
    }
    with open(os.environ["MDS_BENCH_OUT"], "w") as out:
        steps[step](out)
    env.cr.commit()  # noqa: F821


main()
