# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The install check of `make test` (dev/odoo_test_log.py) and what it
guards: the addon installs without a warning of its own."""

import importlib.util
from pathlib import Path

from odoo.tests import BaseCase, TransactionCase, tagged

ROOT = Path(__file__).resolve().parent.parent


def _load_checker():
    spec = importlib.util.spec_from_file_location("odoo_test_log", ROOT / "dev" / "odoo_test_log.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKER = _load_checker()
# The two view warnings of an install of the addon before its Emails button
# got the groups of its field, as Odoo 18 logged them.
VIEW_WARNING_LOG = (ROOT / "tests" / "install_logs" / "view_warning.log").read_text().splitlines()
STOCK_WARNING = (
    "2026-12-07 12:47:39,612 7211 WARNING mds_demo odoo.addons.base.models.ir_ui_view: "
    "<b>Access Rights Inconsistency</b> field “website_id” of a stock view\n"
    "View error context:\n"
    "{'file': '/srv/odoo/addons/website_sale/views/templates.xml',\n"
    " 'xmlid': 'product_template_form'}"
).splitlines()


class TestInstallLogCheck(BaseCase):
    def test_a_view_warning_of_the_addon_fails_the_install_check(self):
        _passed, failed, _skipped, _ran, stray = CHECKER.read_log(VIEW_WARNING_LOG, tests_expected=False)
        self.assertEqual(failed, 1)
        self.assertEqual(len(stray), 2)
        # Each offending record is reported whole, its context lines included.
        self.assertIn("sale_order_delivery_state_views.xml", stray[0])
        self.assertIn("account_move_delivery_state_views.xml", stray[1])

    def test_the_addon_named_only_on_a_continuation_line_is_caught(self):
        # The first line names nothing of the addon: only the view's error
        # context, on the lines after it, does.
        lines = [
            line.replace("email_delivery_log_count", "some_field") if " WARNING " in line else line
            for line in VIEW_WARNING_LOG
        ]
        self.assertNotIn("mail_document_send", "".join(line for line in lines if " WARNING " in line))
        _passed, failed, _skipped, _ran, stray = CHECKER.read_log(lines, tests_expected=False)
        self.assertEqual((failed, len(stray)), (1, 2))

    def test_a_stock_warning_that_names_nothing_of_the_addon_passes(self):
        self.assertEqual(CHECKER.read_log(STOCK_WARNING, tests_expected=False)[1], 0)

    def test_a_refusal_the_tests_provoke_is_no_install_warning(self):
        # The access tests have XML-RPC refuse the journal on purpose: Odoo
        # logs each refusal as a warning naming the model.
        refusal = (
            "2026-12-07 13:58:01,000 23306 WARNING mds_test odoo.http: You are not allowed to modify "
            "'Email delivery journal' (mail.delivery.log) records."
        )
        starting = (
            "2026-12-07 13:58:00,000 23306 INFO mds_test odoo.addons.mail_document_send.tests.test_x: "
            "Starting TestX.test_y ..."
        )
        self.assertEqual(CHECKER.read_log([starting, refusal], tests_expected=False)[1], 0)
        # The same line during the install is the addon's warning.
        self.assertEqual(CHECKER.read_log([refusal, starting], tests_expected=False)[1], 1)

    def test_a_test_run_without_its_summary_line_fails(self):
        self.assertEqual(CHECKER.read_log([], tests_expected=True)[1], 1)
        self.assertEqual(CHECKER.read_log([], tests_expected=False)[1], 0)

    def test_the_fields_the_addon_adds_count_as_its_names(self):
        names = CHECKER.addon_identifiers()
        self.assertTrue({"email_delivery_log_count", "email_delivery_state", "mail.delivery.log"} <= names)
        # Fields of stock models the addon does not add are not its names.
        self.assertFalse({"state", "partner_id", "failure_reason"} & names)


@tagged("post_install", "-at_install")
class TestViewsInstallCleanly(TransactionCase):
    def test_the_document_forms_validate_without_an_access_warning(self):
        for xmlid in (
            "mail_document_send.sale_order_view_form_delivery_state",
            "mail_document_send.account_move_view_form_delivery_state",
        ):
            view = self.env.ref(xmlid)
            with self.assertNoLogs("odoo.addons.base.models.ir_ui_view", "WARNING"):
                view._check_xml()
