# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers shared by the addon's tests: a real SMTP server wired to Odoo,
a switch that lets Odoo really talk to it, and PDF reading."""

import contextlib
import subprocess
import tempfile
from unittest.mock import patch

from odoo import modules
from odoo.tests import HttpCase, new_test_user, tagged

from .smtp_server import ScriptedSmtpServer


@contextlib.contextmanager
def real_smtp_delivery():
    """Let ir.mail_server connect and send during a test.

    Odoo 18 skips SMTP entirely while `odoo.modules.module.current_test` is
    set (ir.mail_server connect() and send_email()); only that flag is
    lifted, the test thread's `testing` flag stays, so the mail queue still
    does not commit. Restored whatever happens, or later tests would send
    real mail."""
    with patch.object(modules.module, "current_test", False):
        yield


def french_salesperson(env, login):
    """A salesperson whose interface is in French (French activated first)."""
    env["res.lang"]._activate_lang("fr_FR")
    return new_test_user(
        env,
        login=login,
        name="Vendeuse Zoé",
        email="zoe@example.com",
        groups="sales_team.group_sale_salesman",
        lang="fr_FR",
    )


def pdf_text(data):
    """The text of a PDF, as poppler's pdftotext reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.check_output(["pdftotext", "-layout", handle.name, "-"]).decode()


@tagged("post_install", "-at_install")
class SmtpCase(HttpCase):
    """A test case with a real SMTP server and the outgoing mail server
    record that points Odoo at it. Reports render as real PDFs
    (force_report_rendering: in test mode Odoo 18 renders HTML otherwise).

    An HttpCase for its registry test mode: the thread running the tests
    holds the registry lock, so wkhtmltopdf's request for the report CSS
    would wait for ever; in test mode the test server answers it on the
    test's own cursor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))
        cls.smtp = ScriptedSmtpServer().start()
        cls.addClassCleanup(cls.smtp.stop)
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

    def setUp(self):
        super().setUp()
        self.smtp.reset()

    def flush_mail_queue(self):
        """Send what is queued through the real SMTP server.

        Through process_email_queue(), as the mail cron does: in a test
        thread it does not commit."""
        with real_smtp_delivery():
            self.env["mail.mail"].process_email_queue()

    def assert_one_mail_to(self, *addresses):
        """Exactly one message reached the server, for exactly `addresses`."""
        self.assertEqual(len(self.smtp.received), 1, self.smtp.attempts)
        received = self.smtp.received[0]
        self.assertEqual(sorted(received.rcpt_tos), sorted(addresses))
        return received
