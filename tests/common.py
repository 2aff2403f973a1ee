# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers shared by the addon's tests: a real SMTP server wired to Odoo,
a switch that lets Odoo really talk to it, and PDF reading."""
import contextlib
import subprocess
import tempfile
import threading

from odoo.tests.common import SavepointCase, at_install, post_install
from odoo.tools.safe_eval import safe_eval

from .smtp_server import ScriptedSmtpServer


@contextlib.contextmanager
def real_smtp_delivery():
    """Let ir.mail_server connect and send during a test.

    Odoo skips SMTP entirely while the current thread is flagged `testing`;
    the flag is restored whatever happens, or later tests would start
    sending real mail.
    """
    thread = threading.currentThread()
    previous = getattr(thread, "testing", False)
    thread.testing = False
    try:
        yield
    finally:
        thread.testing = previous


def list_send_context(records, xmlid):
    """The context the list's Send by Email action `xmlid` opens the
    composer with, `records` selected."""
    action = records.env.ref(xmlid).read()[0]
    return dict(safe_eval(action["context"]), active_model=records._name, active_ids=records.ids)


def pdf_text(data):
    """The text of a PDF, as poppler's pdftotext reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.check_output(["pdftotext", "-layout", handle.name, "-"]).decode()


# Post-install: during at-install tests the loading thread holds the registry
# lock, so wkhtmltopdf's request for the report CSS would wait forever.
@at_install(False)
@post_install(True)
class SmtpCase(SavepointCase):
    """A test case with a real SMTP server and the outgoing mail server
    record that points Odoo at it. Reports render as real PDFs: dev/test.sh
    sets --test-report-directory, without which Odoo 11.0.7 renders HTML
    in tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = None
        try:
            cls.smtp = ScriptedSmtpServer().start()
            cls.env["ir.mail_server"].search([]).write({"active": False})
            cls.mail_server = cls.env["ir.mail_server"].create(
                {
                    "name": "Test SMTP server",
                    "smtp_host": cls.smtp.host,
                    "smtp_port": cls.smtp.port,
                    "smtp_encryption": "none",
                    "sequence": 1,
                }
            )
        except Exception:
            # unittest skips tearDownClass when setUpClass fails: the class's
            # cursor would stay open with its locks, and every later class
            # would wait on them for ever.
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.smtp:
            cls.smtp.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.smtp.reset()

    def flush_mail_queue(self):
        """Send what is queued through the real SMTP server.

        Not through process_email_queue(): outside test mode it commits after
        each mail, which would end the test's transaction."""
        with real_smtp_delivery():
            self.env["mail.mail"].search([("state", "=", "outgoing")]).send()

    def assert_one_mail_to(self, *addresses):
        """Exactly one message reached the server, for exactly `addresses`."""
        self.assertEqual(len(self.smtp.received), 1, self.smtp.attempts)
        received = self.smtp.received[0]
        self.assertEqual(sorted(received.rcpt_tos), sorted(addresses))
        return received
