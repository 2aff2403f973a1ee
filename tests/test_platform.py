# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .common import SmtpCase, pdf_text, real_smtp_delivery


class TestStockSendQuotation(SmtpCase):
    """The stock Send by email of a quotation, through the real SMTP server
    and the real report engine: the ground every other test stands on."""

    def test_quotation_mail_carries_the_real_pdf(self):
        order = self.env.ref("sale.sale_order_2")
        order.partner_id.email = "customer@example.com"
        action = order.action_quotation_send()
        composer = (
            self.env["mail.compose.message"].with_context(**action["context"]).create({})
        )
        composer.onchange_template_id_wrapper()
        with real_smtp_delivery():
            composer.send_mail()
        self.flush_mail_queue()

        received = [mail for mail in self.smtp.received if "customer@example.com" in mail.rcpt_tos]
        self.assertEqual(len(received), 1, self.smtp.attempts)
        pdfs = [data for _name, data, ctype in received[0].attachments() if ctype == "application/pdf"]
        self.assertEqual(len(pdfs), 1, [(n, t, len(d or b"")) for n, d, t in received[0].attachments()])
        self.assertTrue(pdfs[0].startswith(b"%PDF"))
        text = pdf_text(pdfs[0])
        self.assertIn(order.name, text)
        # The company name is printed by the report header, which only a
        # wkhtmltopdf built with patched Qt renders.
        self.assertIn(order.company_id.name, text)
