# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import sys

from odoo.tests.common import TransactionCase

from ..hooks import STOCK_REPORT_NAMES, platform_problem, pre_init_hook, uninstall_hook


class TestHooks(TransactionCase):
    def test_uninstall_gives_stock_templates_their_pdf_names_back(self):
        # Without the addon, the stock templates must still render: their
        # report_name called a method of this addon.
        order = self.env.ref("sale.sale_order_2")
        stock = self.env.ref("sale.email_template_edi_sale")
        self.assertIn("mail_document_send_filename", stock.report_name)
        uninstall_hook(self.env.cr, self.registry)
        for xmlid, report_name in STOCK_REPORT_NAMES.items():
            template = self.env.ref(xmlid)
            self.assertEqual(template.report_name, report_name)
            self.assertNotIn("mail_document_send", template.report_name)
        rendered = stock.render_template(stock.report_name, "sale.order", order.id)
        self.assertEqual(
            rendered, order.name.replace("/", "_") + ("_draft" if order.state == "draft" else "")
        )

    def test_install_refuses_a_platform_too_old_with_a_clear_message(self):
        self.assertIsNone(platform_problem((3, 7, 16), 150004))
        self.assertIn(
            "needs Python 3.7 or later; Odoo runs on Python 3.5", platform_problem((3, 5, 2), 150004)
        )
        self.assertIn(
            "needs PostgreSQL 10 or later; the database server is version 90624",
            platform_problem((3, 7), 90624),
        )
        # Here, on this very server, installing is allowed.
        pre_init_hook(self.env.cr)
        self.assertGreaterEqual(sys.version_info[:2], (3, 7))
