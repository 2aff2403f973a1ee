# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from .test_mail_retry import MailCase


class TestDeliveryState(MailCase):
    def state_of(self, record):
        record.invalidate_cache()
        return record.email_delivery_state

    def assert_lifecycle(self, record):
        model = record._name
        self.assertEqual(self.state_of(record), "none")
        mail = self.make_mail(model=model, res_id=record.id)
        self.assertEqual(self.state_of(record), "queued")

        self.smtp.script("451 4.3.0 Try again later")
        self.send(mail)
        # Waiting for its retry: still on its way, not failed.
        self.assertEqual(self.state_of(record), "queued")

        self.smtp.script("550 5.1.1 User unknown")
        self.send(mail)
        self.assertEqual(self.state_of(record), "failed")
        failed = self.env[model].search([("email_delivery_state", "=", "failed")])
        self.assertIn(record, failed)
        self.assertNotIn(record, self.env[model].search([("email_delivery_state", "=", "none")]))

        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(self.state_of(record), "sent")
        self.assertNotIn(record, self.env[model].search([("email_delivery_state", "=", "failed")]))
        self.assertIn(record, self.env[model].search([("email_delivery_state", "in", ["sent"])]))

    def test_sale_order(self):
        self.assert_lifecycle(self.env.ref("sale.sale_order_2").copy())

    def test_invoice(self):
        invoice = self.env["account.invoice"].search([("type", "=", "out_invoice")], limit=1).copy()
        self.assert_lifecycle(invoice)
