# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from lxml import etree

from odoo.tests import Form, TransactionCase, tagged

from .common import SmtpCase, pdf_text, real_smtp_delivery


class DocumentMixin:
    """Documents and sends shared by the send tests."""

    @classmethod
    def setup_documents(cls):
        cls.admin = cls.env.ref("base.user_admin")
        # The author would get an email if he were not left out.
        cls.admin.notification_type = "email"
        cls.env = cls.env(user=cls.admin)
        cls.customer = cls.env["res.partner"].create({"name": "Customer Alpha", "email": "alpha@example.com"})
        cls.other = cls.env["res.partner"].create({"name": "Follower Beta", "email": "beta@example.com"})
        cls.added = cls.env["res.partner"].create({"name": "Added Gamma", "email": "gamma@example.com"})
        cls.product = cls.env.ref("product.product_product_4")

    def make_order(self, partner=None):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 2, "price_unit": 50.0})
                ],
            }
        )

    def make_invoice(self, partner=None, move_type="out_invoice", post=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or self.customer).id,
                "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 100.0})],
            }
        )
        if post:
            move.action_post()
        return move

    def order_composer(self, order, **context):
        action = order.action_quotation_send()
        return Form(self.env[action["res_model"]].with_context(**{**action["context"], **context}))

    def invoice_wizard(self, move):
        action = move.action_invoice_sent()
        self.assertEqual(action["res_model"], "account.move.send.wizard")
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def send(self, composer):
        """Send a saved composer or invoice wizard through the real server."""
        with real_smtp_delivery():
            if composer._name == "mail.compose.message":
                composer.action_send_mail()
            else:
                composer.action_send_and_print()
        self.flush_mail_queue()

    def envelope_recipients(self):
        return sorted(address for mail in self.smtp.received for address in mail.rcpt_tos)

    def mail_to(self, address):
        mails = [mail for mail in self.smtp.received if address in mail.rcpt_tos]
        self.assertEqual(len(mails), 1, self.smtp.attempts)
        return mails[0]

    def pdfs(self, received):
        return [(name, data) for name, data, ctype in received.attachments() if ctype == "application/pdf"]


@tagged("post_install", "-at_install")
class TestCustomerFollows(DocumentMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_documents()

    def test_customer_follows_a_new_quotation(self):
        order = self.make_order()
        self.assertEqual(order.state, "draft")
        self.assertIn(self.customer, order.message_partner_ids)

    def test_customer_follows_when_changed(self):
        order = self.make_order()
        order.partner_id = self.other
        self.assertIn(self.other, order.message_partner_ids)

    def test_customer_follows_a_draft_invoice_and_credit_note(self):
        for move_type in ("out_invoice", "out_refund"):
            invoice = self.make_invoice(move_type=move_type, post=False)
            self.assertEqual(invoice.state, "draft")
            self.assertIn(self.customer, invoice.message_partner_ids)
            invoice.partner_id = self.other
            self.assertIn(self.other, invoice.message_partner_ids)

    def test_vendor_bill_keeps_stock_followers(self):
        vendor = self.env["res.partner"].create({"name": "Vendor Delta", "email": "delta@example.com"})
        bill = self.make_invoice(partner=vendor, move_type="in_invoice", post=False)
        self.assertNotIn(vendor, bill.message_partner_ids)
        bill.partner_id = self.customer
        self.assertNotIn(self.customer, bill.message_partner_ids)

    def test_pdf_names_in_the_customers_language(self):
        french = self.env["res.partner"].create(
            {"name": "Client Français", "email": "fr@example.com", "lang": "fr_FR"}
        )
        order = self.make_order()
        self.assertEqual(order.mail_document_send_filename(), "Quotation - %s" % order.name)
        self.assertEqual(
            order.with_context(proforma=True).mail_document_send_filename(), "Pro-forma - %s" % order.name
        )
        order.partner_id = french
        self.assertEqual(order.mail_document_send_filename(), "Devis - %s" % order.name)
        self.assertEqual(
            order.with_context(proforma=True).mail_document_send_filename(),
            "Facture pro forma - %s" % order.name,
        )
        order.action_confirm()
        self.assertEqual(order.mail_document_send_filename(), "Bon de commande - %s" % order.name)
        order.partner_id = self.customer
        self.assertEqual(order.mail_document_send_filename(), "Order - %s" % order.name)
        invoice = self.make_invoice()
        number = invoice.name.replace("/", "_")
        self.assertEqual(invoice._get_invoice_report_filename(), "Invoice - %s.pdf" % number)
        refund = self.make_invoice(partner=french, move_type="out_refund")
        self.assertEqual(
            refund._get_invoice_report_filename(), "Avoir - %s.pdf" % refund.name.replace("/", "_")
        )
        invoice_fr = self.make_invoice(partner=french)
        self.assertEqual(
            invoice_fr._get_invoice_report_filename(), "Facture - %s.pdf" % invoice_fr.name.replace("/", "_")
        )
        credit = self.make_invoice(move_type="out_refund")
        self.assertEqual(
            credit._get_invoice_report_filename(), "Credit Note - %s.pdf" % credit.name.replace("/", "_")
        )


class TestSendQuotation(DocumentMixin, SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_documents()

    def test_followers_are_the_recipients_and_a_removed_one_gets_nothing(self):
        order = self.make_order()
        order.message_subscribe(partner_ids=self.other.ids)
        self.assertIn(self.admin.partner_id, order.message_partner_ids)
        form = self.order_composer(order)
        # Every follower but the author, the customer included.
        self.assertEqual(
            sorted(partner.id for partner in form.partner_ids), sorted((self.customer | self.other).ids)
        )
        form.partner_ids.remove(id=self.other.id)
        form.partner_ids.add(self.added)
        composer = form.save()
        # Stock's read-only "followers who will receive" is hidden: it would lie.
        self.assertTrue(composer.mail_document_send_exact)
        self.send(composer)
        self.assertEqual(self.envelope_recipients(), ["alpha@example.com", "gamma@example.com"])
        received = self.mail_to("alpha@example.com")
        message = received.message
        self.assertIn("Customer Alpha", message["To"])
        self.assertEqual(message["Subject"], "%s Quotation (Ref %s)" % (order.company_id.name, order.name))
        self.assertIn(self.admin.email, message["From"])
        self.assertTrue(message["Message-Id"])
        ((name, data),) = self.pdfs(received)
        self.assertEqual(name, "Quotation - %s.pdf" % order.name)
        text = pdf_text(data)
        self.assertIn(order.name, text)
        self.assertIn(order.company_id.name, text)
        self.assertIn("Please find attached our Quotation", received.body_html())
        # The removed follower stays a follower.
        self.assertIn(self.other, order.message_partner_ids)
        self.assertEqual(order.state, "sent")
        posted = order.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertEqual(posted.notification_ids.res_partner_id, self.customer | self.added)

    def test_inbox_user_gets_it_in_odoo_not_by_email(self):
        order = self.make_order()
        user = self.env["res.users"].create(
            {
                "name": "Inbox User",
                "login": "inbox_user_mds",
                "email": "inbox@example.com",
                "notification_type": "inbox",
                "groups_id": [(6, 0, [self.env.ref("base.group_user").id])],
            }
        )
        order.message_subscribe(partner_ids=user.partner_id.ids)
        form = self.order_composer(order)
        self.assertIn(user.partner_id, form.partner_ids)
        self.send(form.save())
        self.assertEqual(self.envelope_recipients(), ["alpha@example.com"])
        posted = order.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        inbox = posted.notification_ids.filtered(lambda n: n.res_partner_id == user.partner_id)
        self.assertEqual(inbox.notification_type, "inbox")

    def test_read_only_follower_list_is_hidden_on_documents(self):
        arch = self.env["mail.compose.message"].get_view(view_type="form")["arch"]
        self.assertIn("mail_document_send_exact", arch)
        widget = etree.fromstring(arch).xpath("//widget[@name='mail_composer_recipient_list']")[0]
        self.assertIn("mail_document_send_exact", widget.get("invisible"))
        # Elsewhere (e.g. on a contact) stock's list stays.
        composer = self.env["mail.compose.message"].create(
            {"model": "res.partner", "res_ids": self.customer.ids, "body": "<p>Hi</p>"}
        )
        self.assertFalse(composer.mail_document_send_exact)

    def test_scheduled_send_keeps_its_recipients(self):
        order = self.make_order()
        order.message_subscribe(partner_ids=self.other.ids)
        form = self.order_composer(order)
        form.partner_ids.remove(id=self.other.id)
        form.save().action_schedule_message(scheduled_date="2099-01-01 00:00:00")
        scheduled = self.env["mail.scheduled.message"].search(
            [("res_id", "=", order.id), ("model", "=", "sale.order")]
        )
        self.assertEqual(len(scheduled), 1)
        self.assertEqual(self.smtp.received, [])
        # What the cron mail.ir_cron_post_scheduled_message runs once due.
        with real_smtp_delivery():
            scheduled._post_message()
        self.flush_mail_queue()
        self.assertEqual(self.envelope_recipients(), ["alpha@example.com"])
        self.assertIn(self.other, order.message_partner_ids)

    def test_order_is_sent_as_an_order(self):
        order = self.make_order()
        order.action_confirm()
        composer = self.order_composer(order).save()
        self.send(composer)
        received = self.mail_to("alpha@example.com")
        self.assertEqual(
            received.message["Subject"], "%s Order (Ref %s)" % (order.company_id.name, order.name)
        )
        ((name, data),) = self.pdfs(received)
        self.assertEqual(name, "Order - %s.pdf" % order.name)
        self.assertIn(order.name, pdf_text(data))

    def test_french_customer_gets_french_mail_and_pdf_name(self):
        french = self.env["res.partner"].create(
            {"name": "Client Français", "email": "fr@example.com", "lang": "fr_FR"}
        )
        order = self.make_order(partner=french)
        composer = self.order_composer(order).save()
        self.send(composer)
        received = self.mail_to("fr@example.com")
        self.assertEqual(
            received.message["Subject"], "%s Devis (Réf %s)" % (order.company_id.name, order.name)
        )
        self.assertIn("Veuillez trouver ci-joint notre Devis", received.body_html())
        ((name, _data),) = self.pdfs(received)
        self.assertEqual(name, "Devis - %s.pdf" % order.name)

    def test_log_note_in_the_full_composer_mails_nobody(self):
        order = self.make_order()
        order.message_subscribe(partner_ids=self.other.ids)
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                default_model="sale.order",
                default_res_ids=order.ids,
                default_composition_mode="comment",
                default_subtype_id=self.env.ref("mail.mt_note").id,
            )
            .create({"body": "<p>Margin too low, check with Bob.</p>"})
        )
        self.assertTrue(composer.subtype_is_log)
        self.assertFalse(composer.partner_ids)
        self.send(composer)
        self.assertEqual(self.smtp.received, [])
        self.assertIn("Margin too low", order.message_ids[0].body)


class TestSendInvoice(DocumentMixin, SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_documents()

    def check_send(self, move, kind):
        move.message_subscribe(partner_ids=self.other.ids)
        form = self.invoice_wizard(move)
        self.assertEqual(
            sorted(partner.id for partner in form.mail_partner_ids), sorted((self.customer | self.other).ids)
        )
        form.mail_partner_ids.remove(id=self.other.id)
        form.mail_partner_ids.add(self.added)
        self.send(form.save())
        self.assertEqual(self.envelope_recipients(), ["alpha@example.com", "gamma@example.com"])
        received = self.mail_to("alpha@example.com")
        self.assertEqual(
            received.message["Subject"], "%s %s (Ref %s)" % (move.company_id.name, kind, move.name)
        )
        self.assertTrue(received.message["Message-Id"])
        self.assertIn("Customer Alpha", received.message["To"])
        ((name, data),) = self.pdfs(received)
        filename = "%s - %s.pdf" % (kind, move.name.replace("/", "_"))
        self.assertEqual(name, filename)
        # The stored legal PDF has the same name.
        self.assertEqual(move.invoice_pdf_report_id.name, filename)
        text = pdf_text(data)
        self.assertIn(move.name, text)
        self.assertIn(move.company_id.name, text)
        self.assertIn(self.other, move.message_partner_ids)
        self.assertTrue(move.is_move_sent)

    def test_invoice(self):
        self.check_send(self.make_invoice(), "Invoice")

    def test_credit_note(self):
        self.check_send(self.make_invoice(move_type="out_refund"), "Credit Note")

    def test_french_invoice(self):
        french = self.env["res.partner"].create(
            {"name": "Client Français", "email": "fr@example.com", "lang": "fr_FR"}
        )
        move = self.make_invoice(partner=french)
        self.send(self.invoice_wizard(move).save())
        received = self.mail_to("fr@example.com")
        self.assertEqual(
            received.message["Subject"], "%s Facture (Réf %s)" % (move.company_id.name, move.name)
        )
        self.assertIn("Veuillez trouver ci-joint notre Facture", received.body_html())
        ((name, _data),) = self.pdfs(received)
        self.assertEqual(name, "Facture - %s.pdf" % move.name.replace("/", "_"))
