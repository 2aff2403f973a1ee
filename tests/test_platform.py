# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import Form

from .common import SmtpCase, pdf_text, real_smtp_delivery


class TestStockSendOnOdoo18(SmtpCase):
    """Stock Odoo 18's Send by email of a quotation and of an invoice,
    through the real SMTP server and the real report engine: the ground
    every other test stands on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Platform Customer", "email": "customer@example.com"}
        )

    def test_quotation_mail_carries_the_real_pdf(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.env.ref("product.product_product_4").id})],
            }
        )
        action = order.action_quotation_send()
        composer = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        # In a test thread Odoo sends a notification at once, in the same
        # transaction, instead of after the commit.
        with real_smtp_delivery():
            composer.action_send_mail()
        self.flush_mail_queue()
        received = [mail for mail in self.smtp.received if "customer@example.com" in mail.rcpt_tos]
        self.assertEqual(len(received), 1, self.smtp.attempts)
        ((name, data, content_type),) = received[0].attachments()
        self.assertEqual(name, "Quotation - %s.pdf" % order.name)
        self.assertEqual(content_type, "application/pdf")
        self.assertTrue(data.startswith(b"%PDF"))
        text = pdf_text(data)
        self.assertIn(order.name, text)
        self.assertIn(order.company_id.name, text)
        self.assertEqual(order.state, "sent")

    def test_invoice_mail_carries_the_real_pdf(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 100.0})],
            }
        )
        invoice.action_post()
        action = invoice.action_invoice_sent()
        self.assertEqual(action["res_model"], "account.move.send.wizard")
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        with real_smtp_delivery():
            wizard.action_send_and_print()
        self.flush_mail_queue()
        received = [mail for mail in self.smtp.received if "customer@example.com" in mail.rcpt_tos]
        self.assertEqual(len(received), 1, self.smtp.attempts)
        pdfs = [(name, data) for name, data, _type in received[0].attachments() if data.startswith(b"%PDF")]
        self.assertEqual(len(pdfs), 1, received[0].attachments())
        self.assertIn(invoice.name, pdf_text(pdfs[0][1]))
        self.assertTrue(invoice.is_move_sent)
