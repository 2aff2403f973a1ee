# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reuse of a document's PDF (models/report_pdf_cache.py), with real PDFs
rendered by wkhtmltopdf and read by poppler."""

import base64
import contextlib
import datetime
import hashlib
import inspect
import os
import subprocess
import tempfile
from unittest.mock import patch

from odoo.addons.base.models.ir_actions_report import IrActionsReport as StockReport
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, Form, new_test_user, tagged

from ..hooks import uninstall_hook
from ..models.report_pdf_cache import FIELD, PARAM_DELAY, PARAM_PER_DOCUMENT
from .common import SmtpCase, pdf_text

QUOTATION = "sale.action_report_saleorder"
INVOICE = "account.account_invoices"
#: A 1x1 red PNG: a logo unlike the company's.
RED_PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cf"
        "c000000301010018dd8db00000000049454e44ae426082"
    )
)


#: The stock methods the reuse relies on, as read for it (Odoo 18.0 at
#: 82a18140): what wkhtmltopdf is given, where its delay is set, how one
#: document's path runs it. A change here means reading them again.
STOCK_PINS = {
    "_run_wkhtmltopdf": "915b1e335092d506d20140b4cbd1b6eceb931b5415414e8e42726f537e634437",
    "_render_qweb_pdf_prepare_streams": "91dcb81fa987b78149b2a5b64029e5b58f959ca8e3275d4793dc95813363e17f",
    "_build_wkhtmltopdf_args": "b5803bb1144f7275efc807ecc3624ec72eb54a7591c326dc4492d3cd7d488445",
    "_prepare_html": "0459b2a056bc35d24216c19cfa2042dcabe016eec6a02a6ffd1ec7710d20f020",
}


class TestPdfReuseStockPins(BaseCase):
    def test_stock_methods_are_those_read(self):
        for name, digest in STOCK_PINS.items():
            source = inspect.getsource(getattr(StockReport, name))
            self.assertEqual(hashlib.sha256(source.encode()).hexdigest(), digest, name)


@contextlib.contextmanager
def wkhtmltopdf_runs():
    """The argument lists of the wkhtmltopdf processes started meanwhile:
    the real binary runs, only its start is recorded."""
    runs = []
    real_popen = subprocess.Popen

    def popen(args, *rest, **kwargs):
        if isinstance(args, list | tuple) and "wkhtmltopdf" in os.path.basename(str(args[0])):
            if "--version" not in args:
                runs.append(list(args))
        return real_popen(args, *rest, **kwargs)

    with patch.object(subprocess, "Popen", popen):
        yield runs


def pdf_pages(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        info = subprocess.check_output(["pdfinfo", handle.name]).decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@tagged("post_install", "-at_install")
class TestPdfReuse(SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Reuse Customer",
                "email": "reuse@example.com",
                "street": "1 Old Street",
                "lang": "en_US",
            }
        )
        cls.product = cls.env["product.product"].create({"name": "Walnut Desk", "list_price": 120.0})

    def make_order(self, lines=1):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (
                        0,
                        0,
                        {"product_id": self.product.id, "product_uom_qty": 1 + number, "price_unit": 120.0},
                    )
                    for number in range(lines)
                ],
            }
        )

    def render(self, document, report=QUOTATION):
        pdf, report_type = self.env["ir.actions.report"]._render_qweb_pdf(report, document.ids)
        self.assertEqual(report_type, "pdf")
        return pdf

    def kept(self, document):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", document._name), ("res_id", "=", document.id), ("res_field", "=", FIELD)]
            )
        )

    def fresh(self, document, report=QUOTATION):
        """What stock gives: a render that reuses nothing."""
        params = self.env["ir.config_parameter"].sudo()
        before = params.get_param(PARAM_PER_DOCUMENT)
        params.set_param(PARAM_PER_DOCUMENT, "0")
        try:
            return self.render(document, report)
        finally:
            params.set_param(PARAM_PER_DOCUMENT, before)

    def change(self, change):
        """`change()` as a request of its own would see it: written, and
        nothing of it left in the ORM cache (a partner's address is cached
        in its display name, which stock does not recompute in the same
        transaction)."""
        change()
        self.env.flush_all()
        self.env.invalidate_all()

    def assert_fresh_after(self, document, change, expected_text=None, report=QUOTATION):
        """Render, `change()`, render: wkhtmltopdf ran again, the new PDF
        shows `expected_text` and reads as stock's fresh render."""
        first = self.render(document, report)
        with wkhtmltopdf_runs() as runs:
            self.assertEqual(self.render(document, report), first)
        self.assertEqual(runs, [], "the same content is rendered once")
        self.change(change)
        with wkhtmltopdf_runs() as runs:
            second = self.render(document, report)
        self.assertEqual(len(runs), 1, "a change is rendered again")
        if expected_text:
            self.assertIn(expected_text, pdf_text(second))
            self.assertNotIn(expected_text, pdf_text(first))
        self.assertEqual(pdf_text(second), pdf_text(self.fresh(document, report)))
        return first, second

    def test_same_content_is_rendered_once_and_kept_hidden(self):
        order = self.make_order()
        with wkhtmltopdf_runs() as runs:
            first = self.render(order)
            second = self.render(order)
        self.assertEqual(len(runs), 1)
        self.assertEqual(second, first)
        self.assertIn("Walnut Desk", pdf_text(first))
        self.assertEqual(len(self.kept(order)), 1)
        # Not among the document's attachments (chatter, attachment box).
        visible = self.env["ir.attachment"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertFalse(visible & self.kept(order))

    def test_a_product_name_change_gives_a_new_pdf(self):
        order = self.make_order()

        def rename():
            # The quotation shows its line's description, taken from the
            # product when the line gets it: renamed, then chosen again.
            self.product.name = "Oak Desk"
            order.order_line.product_id = self.env["product.product"]
            order.order_line.product_id = self.product

        _first, second = self.assert_fresh_after(order, rename, "Oak Desk")
        self.assertNotIn("Walnut Desk", pdf_text(second))

    def test_a_product_renamed_after_the_line_gives_what_stock_gives(self):
        # Stock keeps the line's description: the same content, the same PDF.
        order = self.make_order()
        first = self.render(order)
        self.change(lambda: self.product.write({"name": "Oak Desk"}))
        with wkhtmltopdf_runs() as runs:
            self.assertEqual(self.render(order), first)
        self.assertEqual(runs, [])
        self.assertEqual(pdf_text(first), pdf_text(self.fresh(order)))

    def test_a_customer_address_change_gives_a_new_pdf(self):
        order = self.make_order()
        self.assert_fresh_after(
            order, lambda: self.customer.write({"street": "22 New Avenue"}), "22 New Avenue"
        )

    def test_a_company_logo_change_gives_a_new_pdf(self):
        order = self.make_order()
        first, second = self.assert_fresh_after(order, lambda: self.env.company.write({"logo": RED_PIXEL}))
        self.assertNotEqual(self.images(first), self.images(second))

    def images(self, data):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            return subprocess.check_output(["pdfimages", "-list", handle.name]).decode()

    def test_a_company_layout_change_gives_a_new_pdf(self):
        order = self.make_order()
        self.assert_fresh_after(
            order,
            lambda: self.env.company.write({"report_footer": "Registered in Lyon 42"}),
            "Registered in Lyon 42",
        )
        boxed = self.env.ref("web.external_layout_boxed")
        self.assert_fresh_after(
            order, lambda: self.env.company.write({"external_report_layout_id": boxed.id})
        )

    def test_a_language_change_gives_a_new_pdf(self):
        self.assertTrue(self.env["res.lang"]._lang_get("fr_FR"), "the template database has French")
        order = self.make_order()
        self.assert_fresh_after(order, lambda: self.customer.write({"lang": "fr_FR"}), "Devis")

    def test_a_report_template_change_gives_a_new_pdf(self):
        order = self.make_order()

        def customize():
            self.env["ir.ui.view"].create(
                {
                    "name": "pdf reuse test",
                    "type": "qweb",
                    "inherit_id": self.env.ref("sale.report_saleorder_document").id,
                    "arch": '<xpath expr="//div[hasclass(\'page\')]" position="inside">'
                    "<p>Template edited today</p></xpath>",
                }
            )

        self.assert_fresh_after(order, customize, "Template edited today")

    def test_an_asset_change_gives_a_new_pdf(self):
        order = self.make_order()

        def add_css():
            self.env["ir.asset"].create(
                {
                    "name": "pdf reuse test",
                    "bundle": "web.report_assets_common",
                    "path": "web/static/src/webclient/actions/reports/reset.min.css",
                }
            )

        self.assert_fresh_after(order, add_css)

    def test_two_documents_never_share_a_pdf(self):
        first, second = self.make_order(), self.make_order()
        with wkhtmltopdf_runs() as runs:
            pdf_first, pdf_second = self.render(first), self.render(second)
        self.assertEqual(len(runs), 2)
        self.assertIn(first.name, pdf_text(pdf_first))
        self.assertIn(second.name, pdf_text(pdf_second))
        self.assertNotIn(first.name, pdf_text(pdf_second))
        self.assertEqual(self.kept(first).res_id, first.id)
        self.assertEqual(self.kept(second).res_id, second.id)
        self.assertNotEqual(self.kept(first).name, self.kept(second).name)

    def make_invoice(self, price=100.0):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": price})],
            }
        )
        invoice.action_post()
        return invoice

    def render_invoices(self, invoices):
        """As 18's invoice send renders a list's invoices: one call, then
        the PDF split per invoice."""
        reports = self.env["ir.actions.report"]
        content, report_type = reports._pre_render_qweb_pdf(INVOICE, res_ids=invoices.ids)
        return reports._get_splitted_report(INVOICE, content, report_type)

    def test_several_invoices_reuse_the_kept_and_render_the_rest_in_one_run(self):
        invoices = self.make_invoice(100.0) | self.make_invoice(200.0) | self.make_invoice(300.0)
        previewed = {invoice.id: self.render(invoice, INVOICE) for invoice in invoices[:2]}
        with wkhtmltopdf_runs() as runs:
            pdfs = self.render_invoices(invoices)
        self.assertEqual(len(runs), 1)
        self.assertEqual(len([arg for arg in runs[0] if "report.body.tmp" in arg]), 1, "only the third")
        self.assertEqual(list(pdfs), invoices.ids)
        for invoice in invoices[:2]:
            self.assertEqual(pdfs[invoice.id], previewed[invoice.id])
        self.assertIn(invoices[2].name, pdf_text(pdfs[invoices[2].id]))
        self.assertEqual(pdf_text(pdfs[invoices[2].id]), pdf_text(self.fresh(invoices[2], INVOICE)))
        # The third, rendered alone, is kept too. One changes: it alone is
        # rendered again.
        third = pdfs[invoices[2].id]
        self.change(lambda: invoices[0].write({"narration": "<p>Paid by transfer</p>"}))
        with wkhtmltopdf_runs() as runs:
            pdfs = self.render_invoices(invoices)
        self.assertEqual(len(runs), 1)
        self.assertEqual(len([arg for arg in runs[0] if "report.body.tmp" in arg]), 1)
        self.assertIn("Paid by transfer", pdf_text(pdfs[invoices[0].id]))
        self.assertEqual(pdfs[invoices[1].id], previewed[invoices[1].id])
        self.assertEqual(pdfs[invoices[2].id], third)
        # Two change: rendered again together, in one run.
        self.change(lambda: invoices[1:].write({"narration": "<p>Due in 10 days</p>"}))
        with wkhtmltopdf_runs() as runs:
            pdfs = self.render_invoices(invoices)
        self.assertEqual(len(runs), 1)
        self.assertEqual(len([arg for arg in runs[0] if "report.body.tmp" in arg]), 2)
        self.assertIn("Due in 10 days", pdf_text(pdfs[invoices[2].id]))
        for invoice in invoices:
            self.assertEqual(pdf_text(pdfs[invoice.id]), pdf_text(self.fresh(invoice, INVOICE)))

    def test_several_documents_in_one_run_are_not_kept(self):
        orders = self.make_order() | self.make_order()
        pdf = self.render(orders)
        self.assertEqual(pdf_pages(pdf), 2)
        self.assertFalse(self.kept(orders[0]) | self.kept(orders[1]))

    def test_kept_pdfs_follow_the_documents_access_rules(self):
        owner = new_test_user(self.env, login="reuse_owner", groups="sales_team.group_sale_salesman")
        stranger = new_test_user(self.env, login="reuse_stranger", groups="sales_team.group_sale_salesman")
        order = self.make_order()
        order.user_id = owner
        self.render(order)
        kept = self.kept(order)
        self.assertEqual(kept.with_user(owner).raw[:4], b"%PDF")
        with self.assertRaises(AccessError):
            kept.with_user(stranger).check("read")
        found = (
            self.env["ir.attachment"]
            .with_user(stranger)
            .search([("res_field", "=", FIELD), ("res_model", "=", "sale.order")])
        )
        self.assertNotIn(kept, found)

    def test_kept_per_document_is_bounded(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_PER_DOCUMENT, "2")
        order = self.make_order()
        for number in range(3):
            order.note = "Revision %d" % number
            self.render(order)
        kept = self.kept(order)
        self.assertEqual(len(kept), 2)
        # The newest stay: the first revision is rendered again.
        with wkhtmltopdf_runs() as runs:
            order.note = "Revision 2"
            self.render(order)
            order.note = "Revision 0"
            self.render(order)
        self.assertEqual(len(runs), 1)

    def test_reuse_switched_off(self):
        self.env["ir.config_parameter"].sudo().set_param(PARAM_PER_DOCUMENT, "0")
        order = self.make_order()
        with wkhtmltopdf_runs() as runs:
            self.render(order)
            self.render(order)
        self.assertEqual(len(runs), 2)
        self.assertFalse(self.kept(order))

    def test_cron_drops_pdfs_past_their_age(self):
        order, recent = self.make_order(), self.make_order()
        self.render(order)
        self.render(recent)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_attachment SET create_date = %s WHERE id IN %s",
            (datetime.datetime.now() - datetime.timedelta(days=31), tuple(self.kept(order).ids)),
        )
        self.env.invalidate_all()
        self.env.ref("mail_document_send.report_pdf_cache_cron_clean").method_direct_trigger()
        self.assertFalse(self.kept(order))
        self.assertTrue(self.kept(recent))

    def test_short_javascript_delay_same_text_and_pages_as_stock(self):
        order = self.make_order(lines=45)
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("report.print_delay", "1000"), "1000")
        params.set_param(PARAM_PER_DOCUMENT, "0")
        with wkhtmltopdf_runs() as runs:
            fast = self.render(order)
        self.assertEqual(runs[0][runs[0].index("--javascript-delay") + 1], "0")
        # Stock's delay: the addon lowers it to at most this parameter.
        params.set_param(PARAM_DELAY, "1000")
        with wkhtmltopdf_runs() as runs:
            stock = self.render(order)
        self.assertEqual(runs[0][runs[0].index("--javascript-delay") + 1], "1000")
        self.assertGreater(pdf_pages(stock), 1)
        self.assertEqual(pdf_pages(fast), pdf_pages(stock))
        self.assertEqual(pdf_text(fast), pdf_text(stock))
        self.assertIn("Page 2 / %d" % pdf_pages(stock), pdf_text(fast))

    def test_short_javascript_delay_several_invoices_same_as_stock(self):
        invoices = self.make_invoice(100.0) | self.make_invoice(200.0) | self.make_invoice(300.0)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param(PARAM_PER_DOCUMENT, "0")
        fast = self.render_invoices(invoices)
        params.set_param(PARAM_DELAY, "1000")
        with wkhtmltopdf_runs() as runs:
            stock = self.render_invoices(invoices)
        self.assertEqual(runs[0][runs[0].index("--javascript-delay") + 1], "1000")
        for invoice in invoices:
            self.assertEqual(pdf_pages(fast[invoice.id]), pdf_pages(stock[invoice.id]))
            self.assertEqual(pdf_text(fast[invoice.id]), pdf_text(stock[invoice.id]))

    def test_uninstall_drops_the_kept_pdfs(self):
        order = self.make_order()
        self.render(order)
        self.assertTrue(self.kept(order))
        uninstall_hook(self.env)
        self.assertFalse(self.kept(order))

    def test_quotation_composer_reuses_and_follows_a_change(self):
        order = self.make_order()

        def composer_pdf():
            action = order.action_quotation_send()
            form = Form(self.env[action["res_model"]].with_context(**action["context"]))
            pdfs = [att.raw for att in form.attachment_ids if att.mimetype == "application/pdf"]
            self.assertEqual(len(pdfs), 1)
            return pdfs[0]

        with wkhtmltopdf_runs() as runs:
            first = composer_pdf()
            self.assertEqual(composer_pdf(), first)
        self.assertEqual(len(runs), 1)
        self.change(lambda: order.order_line.write({"product_uom_qty": 7}))
        with wkhtmltopdf_runs() as runs:
            changed = composer_pdf()
        self.assertEqual(len(runs), 1)
        self.assertIn("7.00", pdf_text(changed))

    def test_invoice_send_reuses_a_rendered_invoice_and_follows_a_change(self):
        invoice = self.make_invoice()
        self.render(invoice, INVOICE)  # a preview before the send
        self.change(lambda: self.customer.write({"street": "9 Moved Road"}))
        with wkhtmltopdf_runs() as runs:
            changed = self.render(invoice, INVOICE)
        self.assertEqual(len(runs), 1)
        action = invoice.action_invoice_sent()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        with wkhtmltopdf_runs() as runs:
            wizard.action_send_and_print()
        self.assertEqual(runs, [], "the invoice PDF of the same content is reused")
        self.assertEqual(invoice.invoice_pdf_report_id.raw, changed)
        self.assertIn("9 Moved Road", pdf_text(invoice.invoice_pdf_report_id.raw))
