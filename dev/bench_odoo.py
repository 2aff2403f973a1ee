# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Run by `dev/odoo shell -d DB --http-port=PORT < dev/bench_odoo.py` for
dev/bench.py: the same code on the stock database and on the addon's.

What to do comes from the environment (odoo shell takes no script
arguments): MDS_BENCH_STEP (prepare | measure), MDS_BENCH_OUT (JSON written
there), MDS_BENCH_SMTP_PORT, MDS_BENCH_PDF (the ~25 KB PDF every queued
mail carries), MDS_BENCH_WARM, MDS_BENCH_MAILS ("100,500"),
MDS_BENCH_INVOICES.
"""

# `env` and `odoo` are given by odoo shell.
import base64
import json
import os
import resource
import signal
import subprocess
import time

import odoo  # noqa: F811
from odoo.tools import config

BENCH_TAG = "mds-bench"
SINK_NAME = "Benchmark SMTP sink"


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
    """wkhtmltopdf fetches the report CSS from Odoo: serve HTTP here, on the
    port given to the shell, and point the database at it."""
    server = odoo.service.server.server
    server.http_spawn()
    url = "http://127.0.0.1:%s" % config["http_port"]
    params = env["ir.config_parameter"].sudo()  # noqa: F821
    params.set_param("report.url", url)
    params.set_param("web.base.url", url)
    env.cr.commit()  # noqa: F821
    deadline = time.time() + 10
    while getattr(server, "httpd", None) is None and time.time() < deadline:
        time.sleep(0.05)


def use_sink(port):
    servers = env["ir.mail_server"].sudo().with_context(active_test=False)  # noqa: F821
    servers.search([("name", "!=", SINK_NAME)]).write({"active": False})
    sink = servers.search([("name", "=", SINK_NAME)])
    values = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_encryption": "none", "active": True}
    if sink:
        sink.write(values)
    else:
        servers.create(dict(values, name=SINK_NAME, sequence=1))
    env.cr.commit()  # noqa: F821


def customers():
    return env["res.partner"].search(  # noqa: F821
        [("customer", "=", True), ("email", "!=", False), ("is_company", "=", True)], order="id", limit=10
    )


def prepare(out):
    """Once per database, committed: the invoices of the mass send, the report
    assets, and (first database only) the PDF the queued mails carry."""
    Invoice = env["account.invoice"]  # noqa: F821
    count = int(os.environ.get("MDS_BENCH_INVOICES", "50"))
    existing = Invoice.search([("origin", "=", BENCH_TAG)])
    partners = customers()
    product = env["product.product"].search([("sale_ok", "=", True)], order="id", limit=1)  # noqa: F821
    for number in range(len(existing), count):
        invoice = Invoice.create(
            {
                "partner_id": partners[number % len(partners)].id,
                "type": "out_invoice",
                "origin": BENCH_TAG,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "name": product.name,
                            "quantity": 1 + number % 5,
                            "price_unit": 100.0 + number,
                            "account_id": env["account.invoice.line"]  # noqa: F821
                            .get_invoice_line_account("out_invoice", product, False, env.user.company_id)  # noqa: F821
                            .id,
                        },
                    )
                ],
            }
        )
        invoice.action_invoice_open()
    env.cr.commit()  # noqa: F821
    order = env["sale.order"].search([("state", "=", "draft")], order="id", limit=1)  # noqa: F821
    # Renders (and commits) the asset bundles, as dev/warm_report_assets.py.
    pdf, _format = env.ref("sale.action_report_saleorder").render_qweb_pdf(order.ids)  # noqa: F821
    env.ref("account.account_invoices").render_qweb_pdf(  # noqa: F821
        Invoice.search([("origin", "=", BENCH_TAG)], limit=1).ids
    )
    env.cr.commit()  # noqa: F821
    path = os.environ["MDS_BENCH_PDF"]
    if not os.path.exists(path):
        with open(path, "wb") as handle:
            handle.write(pdf)
    json.dump({"invoices": Invoice.search_count([("origin", "=", BENCH_TAG)])}, out)


def fix_for_create(values, fields):
    """Onchange answers a many2one as (id, name): create wants the id."""
    result = {}
    for name, value in values.items():
        if name not in fields:
            continue
        if fields[name].type == "many2one" and isinstance(value, (list, tuple)):
            value = value[0] if value else False
        result[name] = value
    return result


def open_composer(Composer, view_id):
    """What the web client asks when the composer opens: the form view, the
    defaults, then the onchange of every field set (template: the PDF)."""
    view = Composer.fields_view_get(view_id=view_id, view_type="form")
    names = list(view["fields"])
    values = Composer.default_get(names)
    spec = Composer._onchange_spec(view_info=view)
    for name in names:
        values.setdefault(name, False)
    result = Composer.onchange(values, [], spec)
    values.update(result.get("value", {}))
    return values


def click_to_composer(order):
    started = time.perf_counter()
    action = order.action_quotation_send()
    Composer = env["mail.compose.message"].with_context(action["context"])  # noqa: F821
    values = open_composer(Composer, action["views"][0][0])
    elapsed = time.perf_counter() - started
    attachments = [cmd for cmd in values.get("attachment_ids") or [] if cmd and cmd[0] in (4, 6)]
    if not attachments:
        raise RuntimeError("the composer opened without the PDF: %r" % values.get("attachment_ids"))
    return elapsed


def make_queue(count, pdf, orders, partners):
    """`count` outgoing mails, each with its own attachment holding `pdf`,
    about the quotations, to the customers, auto-deleted as templates do."""
    Mail = env["mail.mail"]  # noqa: F821
    datas = base64.b64encode(pdf)
    author = env.user.partner_id  # noqa: F821
    for number in range(count):
        order = orders[number % len(orders)]
        Mail.create(
            {
                "subject": "Quotation %s (bench %d)" % (order.name, number),
                "body_html": "<p>Dear customer,</p><p>Please find your quotation attached.</p>",
                "email_from": '"%s" <%s>' % (author.name, author.email),
                "author_id": author.id,
                "recipient_ids": [(4, partners[number % len(partners)].id)],
                "model": "sale.order",
                "res_id": order.id,
                "message_type": "email",
                "auto_delete": True,
                "attachment_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Quotation - %s.pdf" % order.name,
                            "datas_fname": "Quotation - %s.pdf" % order.name,
                            "datas": datas,
                            "res_model": "mail.message",
                            "mimetype": "application/pdf",
                        },
                    )
                ],
            }
        )
    env.cr.commit()  # noqa: F821


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
            "raw",
            "--output",
            path,
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(1.5)  # attached
    return profiler


def stop_profiler(profiler):
    profiler.send_signal(signal.SIGINT)
    profiler.wait(timeout=60)


def drain(count, pdf, orders, partners, profile_to=None):
    Mail = env["mail.mail"]  # noqa: F821
    Mail.search([("state", "in", ("outgoing", "exception"))]).unlink()
    env.cr.commit()  # noqa: F821
    make_queue(count, pdf, orders, partners)
    env.clear()  # noqa: F821
    reset_peak()
    rss_before = rss_kib("VmRSS")
    profiler = start_profiler(profile_to) if profile_to else None
    queries, cpu = env.cr.sql_log_count, cpu_seconds()  # noqa: F821
    started = time.perf_counter()
    Mail.process_email_queue()
    elapsed = time.perf_counter() - started
    queries, cpu = env.cr.sql_log_count - queries, cpu_seconds() - cpu  # noqa: F821
    peak = rss_kib("VmHWM")
    if profiler:
        stop_profiler(profiler)
    left = Mail.search_count([("state", "in", ("outgoing", "exception"))])
    if left:
        raise RuntimeError("%d mails not sent by the queue" % left)
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "queries": queries,
        "mails": count,
        "rss_before_kib": rss_before,
        "peak_kib": peak,
    }


def mass_send(invoices):
    """The composer in mass_mail mode on the selected invoices, as the list's
    Send by Email does: open it, press Send (which sends at once)."""
    addon_template = env.ref("mail_document_send.mail_template_account_invoice", raise_if_not_found=False)  # noqa: F821
    template = addon_template or env.ref("account.email_template_edi_invoice")  # noqa: F821
    context = {
        "active_model": "account.invoice",
        "active_ids": invoices.ids,
        "active_id": invoices.ids[0],
        "default_composition_mode": "mass_mail",
        "default_use_template": True,
        "default_template_id": template.id,
        "custom_layout": "account.mail_template_data_notification_email_account_invoice",
    }
    Composer = env["mail.compose.message"].with_context(context)  # noqa: F821
    env.clear()  # noqa: F821
    reset_peak()
    rss_before = rss_kib("VmRSS")
    queries, cpu = env.cr.sql_log_count, cpu_seconds()  # noqa: F821
    started = time.perf_counter()
    values = open_composer(Composer, env.ref("mail.email_compose_message_wizard_form").id)  # noqa: F821
    wizard = Composer.create(fix_for_create(values, Composer._fields))
    wizard.send_mail_action()
    env.cr.commit()  # noqa: F821
    elapsed = time.perf_counter() - started
    queries, cpu = env.cr.sql_log_count - queries, cpu_seconds() - cpu  # noqa: F821
    peak = rss_kib("VmHWM")
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "queries": queries,
        "invoices": len(invoices),
        "rss_before_kib": rss_before,
        "peak_kib": peak,
        "template": template.get_external_id()[template.id],
    }


def measure(out):
    use_sink(int(os.environ["MDS_BENCH_SMTP_PORT"]))
    warm = int(os.environ.get("MDS_BENCH_WARM", "5"))
    result = {
        "pid": os.getpid(),
        "addon": bool(
            env["ir.module.module"].search(  # noqa: F821
                [("name", "=", "mail_document_send"), ("state", "=", "installed")]
            )
        ),
    }
    # (a) click to composer: the first one in this fresh process, then warm.
    order = env["sale.order"].search([("state", "=", "draft")], order="id", limit=1)  # noqa: F821
    result["composer_cold"] = click_to_composer(order)
    env.cr.rollback()  # noqa: F821
    env.clear()  # noqa: F821
    result["composer_warm"] = []
    for _index in range(warm):
        result["composer_warm"].append(click_to_composer(order))
        env.cr.rollback()  # noqa: F821
        env.clear()  # noqa: F821
    # (b) queue drain, at two queue sizes (memory must not follow the size).
    with open(os.environ["MDS_BENCH_PDF"], "rb") as handle:
        pdf = handle.read()
    orders = env["sale.order"].search([], order="id", limit=10)  # noqa: F821
    partners = customers()
    result["drain"] = [
        drain(int(count), pdf, orders, partners)
        for count in os.environ.get("MDS_BENCH_MAILS", "100,500").split(",")
    ]
    result["pdf_bytes"] = len(pdf)
    # (c) mass send from the invoice list.
    count = int(os.environ.get("MDS_BENCH_INVOICES", "50"))
    invoices = env["account.invoice"].search([("origin", "=", BENCH_TAG)], order="id", limit=count)  # noqa: F821
    result["mass_send"] = mass_send(invoices)
    result["maxrss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(result, out)


def profile(out):
    """One measure only (MDS_BENCH_PROFILE_CASE: drain or composer, the cold
    opening), sampled by py-spy into MDS_BENCH_PROFILE."""
    path = os.environ["MDS_BENCH_PROFILE"]
    if os.environ.get("MDS_BENCH_PROFILE_CASE", "drain") == "composer":
        order = env["sale.order"].search([("state", "=", "draft")], order="id", limit=1)  # noqa: F821
        profiler = start_profiler(path)
        result = {"seconds": click_to_composer(order)}
        stop_profiler(profiler)
        json.dump(result, out)
        return
    use_sink(int(os.environ["MDS_BENCH_SMTP_PORT"]))
    with open(os.environ["MDS_BENCH_PDF"], "rb") as handle:
        pdf = handle.read()
    orders = env["sale.order"].search([], order="id", limit=10)  # noqa: F821
    count = int(os.environ.get("MDS_BENCH_MAILS", "500").split(",")[-1])
    json.dump(drain(count, pdf, orders, customers(), profile_to=path), out)


def main():
    serve_http()
    step = os.environ["MDS_BENCH_STEP"]
    with open(os.environ["MDS_BENCH_OUT"], "w") as out:
        {"prepare": prepare, "measure": measure, "profile": profile}[step](out)


main()
