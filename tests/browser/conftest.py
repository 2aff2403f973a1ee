# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the browser tests: a real Odoo server on a fresh copy of the
template database with the addon installed, a real SMTP server it sends to,
and Debian's Chromium driven by Playwright (no browser is downloaded)."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from smtp_server import ScriptedSmtpServer, free_port  # noqa: E402

ARTIFACTS = os.environ.get("MDS_ARTIFACTS") or os.path.join(ROOT, "artifacts")
SCREENSHOTS = os.path.join(ARTIFACTS, "screenshots")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sql(db, statement):
    return subprocess.check_output(["psql", "-qtAd", db, "-c", statement]).decode().strip()


@pytest.fixture(scope="session")
def smtp():
    # MDS_BROWSER_SMTP_PORT / MDS_BROWSER_REUSE: iterate on a test against a
    # server already running (see docs/develop.rst) instead of a fresh one.
    port = int(os.environ.get("MDS_BROWSER_SMTP_PORT", "0")) or None
    server = ScriptedSmtpServer(port=port).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def odoo(smtp, tmp_path_factory):
    """Base URL of an Odoo server whose outgoing mail goes to `smtp`."""
    if os.environ.get("MDS_BROWSER_REUSE"):
        url, db = os.environ["MDS_BROWSER_REUSE"].split(",")
        yield {"url": url, "db": db}
        return
    template = os.environ["MDS_TEMPLATE_DB"]
    db = "mds_browser_%d" % os.getpid()
    port = free_port()
    log_path = os.path.join(ARTIFACTS, "odoo-browser.log")
    os.makedirs(ARTIFACTS, exist_ok=True)
    try:
        yield from _serve(template, db, port, log_path, smtp)
    finally:
        drop_database(db)


def drop_database(db):
    """The copy and its filestore: nothing is left behind, even when the
    install or the start failed."""
    subprocess.call(["dropdb", "--if-exists", db])
    cache = os.environ.get("MDS_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mail_document_send"
    )
    filestore = os.path.join(cache, "data", "filestore", db)
    shutil.rmtree(filestore, ignore_errors=True)


def _serve(template, db, port, log_path, smtp):
    subprocess.check_call([os.path.join(ROOT, "dev", "clone_db.sh"), template, db])
    with open(log_path, "w") as log:
        subprocess.check_call(
            [
                os.path.join(ROOT, "dev", "odoo"),
                "-d",
                db,
                "-i",
                "mail_document_send",
                "--stop-after-init",
                "--log-level=warn",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = "http://127.0.0.1:%d" % port
    sql(db, "UPDATE ir_mail_server SET active = false")
    sql(
        db,
        "INSERT INTO ir_mail_server (name, smtp_host, smtp_port, smtp_encryption, smtp_authentication,"
        " sequence, active)"
        " VALUES ('Browser test SMTP', '127.0.0.1', %d, 'none', 'login', 1, true)" % smtp.port,
    )
    sql(db, "DELETE FROM ir_config_parameter WHERE key IN ('web.base.url', 'report.url')")
    sql(
        db,
        "INSERT INTO ir_config_parameter (key, value) VALUES ('web.base.url', '%s'),"
        " ('web.base.url.freeze', 'True'), ('report.url', '%s')" % (url, url),
    )
    log = open(log_path, "a")
    server = subprocess.Popen(
        [
            os.path.join(ROOT, "dev", "odoo"),
            "-d",
            db,
            "--db-filter=^%s$" % db,
            "--http-port=%d" % port,
            "--max-cron-threads=0",
            "--log-level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/web/login", timeout=5)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("Odoo did not start, see " + log_path)
                time.sleep(0.5)
        yield {"url": url, "db": db}
    finally:
        server.terminate()
        server.wait(30)
        log.close()


class Rpc:
    """XML-RPC as a given user, the way an external client talks to Odoo."""

    def __init__(self, odoo, login="admin", password="admin"):
        self.db, self.password = odoo["db"], password
        common = xmlrpc.client.ServerProxy(odoo["url"] + "/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, login, password, {})
        self.models = xmlrpc.client.ServerProxy(odoo["url"] + "/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.db, self.uid, self.password, model, method, list(args), kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".", 1)
        domain = [("module", "=", module), ("name", "=", name)]
        rows = self("ir.model.data", "search_read", domain, ["res_id"])
        return rows[0]["res_id"] if rows else False


@pytest.fixture(scope="session")
def rpc(odoo):
    return Rpc(odoo)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Shots:
    """Numbered screenshots of a test's steps, kept in artifacts/screenshots."""

    def __init__(self, page, name):
        self.page, self.name, self.count = page, name, 0
        os.makedirs(SCREENSHOTS, exist_ok=True)

    def __call__(self, step):
        self.count += 1
        # Transitions run to their end: a tab or dialog caught mid-fade would
        # show half drawn.
        self.page.screenshot(
            path=os.path.join(SCREENSHOTS, "%s-%02d-%s.png" % (self.name, self.count, step)),
            animations="disabled",
        )


@pytest.fixture
def login(browser, odoo, request):
    """login(user, password) -> (page, shots), logged in to the web client."""
    contexts = []

    def _login(user, password):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(odoo["url"] + "/web/login")
        page.fill("input[name=login]", user)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_selector(".o_main_navbar, .o_main")
        return page, Shots(page, request.node.name)

    yield _login
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for number, context in enumerate(contexts):
            for page in context.pages:
                page.screenshot(
                    path=os.path.join(SCREENSHOTS, "%s-FAILED-%d.png" % (request.node.name, number))
                )
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep the outcome on the test item, for the failure screenshot."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
