# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tools import config, mute_logger

from .common import SmtpCase, list_send_context, pdf_text, real_smtp_delivery


class DocumentCase(SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Customer Alpha", "email": "alpha@example.com"})
        cls.other = cls.env["res.partner"].create({"name": "Follower Beta", "email": "beta@example.com"})
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

    def make_invoice(self, partner=None):
        partner = partner or self.customer
        account = self.env["account.account"].search(
            [("user_type_id", "=", self.env.ref("account.data_account_type_revenue").id)], limit=1
        )
        invoice = self.env["account.invoice"].create(
            {
                "partner_id": partner.id,
                "type": "out_invoice",
                "account_id": partner.property_account_receivable_id.id,
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "name": "Thing",
                            "quantity": 1,
                            "price_unit": 100.0,
                            "account_id": account.id,
                        },
                    )
                ],
            }
        )
        return invoice

    def composer(self, action):
        composer = self.env["mail.compose.message"].with_context(**action["context"]).create({})
        composer.onchange_template_id_wrapper()
        return composer

    def list_composer(self, records, xmlid):
        return self.composer({"context": list_send_context(records, xmlid)})

    def send(self, composer):
        with real_smtp_delivery():
            composer.send_mail()
        self.flush_mail_queue()

    def pdfs(self, received):
        return [(name, data) for name, data, ctype in received.attachments() if ctype == "application/pdf"]


class TestCustomerFollows(DocumentCase):
    def test_customer_follows_a_new_quotation(self):
        order = self.make_order()
        self.assertIn(self.customer, order.message_partner_ids)

    def test_customer_follows_when_changed(self):
        order = self.make_order()
        order.partner_id = self.other
        self.assertIn(self.other, order.message_partner_ids)

    def test_customer_follows_a_draft_invoice(self):
        invoice = self.make_invoice()
        self.assertEqual(invoice.state, "draft")
        self.assertIn(self.customer, invoice.message_partner_ids)
        invoice.partner_id = self.other
        self.assertIn(self.other, invoice.message_partner_ids)

    def test_vendor_bill_keeps_stock_followers(self):
        # A vendor bill is not sent to the vendor: as in stock Odoo, the
        # vendor follows it only once it is validated.
        vendor = self.env["res.partner"].create({"name": "Vendor Delta", "email": "delta@example.com"})
        bill = self.env["account.invoice"].create(
            {
                "partner_id": vendor.id,
                "type": "in_invoice",
                "account_id": vendor.property_account_payable_id.id,
            }
        )
        self.assertNotIn(vendor, bill.message_partner_ids)
        bill.partner_id = self.customer
        self.assertNotIn(self.customer, bill.message_partner_ids)


class TestRecipients(DocumentCase):
    def test_followers_prefilled_and_removed_one_gets_nothing(self):
        order = self.make_order()
        order.message_subscribe(partner_ids=self.other.ids)
        composer = self.composer(order.action_quotation_send())
        self.assertIn(self.customer, composer.partner_ids)
        self.assertIn(self.other, composer.partner_ids)
        composer.partner_ids -= self.other
        self.send(composer)
        received = self.assert_one_mail_to("alpha@example.com")
        pdfs = self.pdfs(received)
        self.assertEqual(len(pdfs), 1)
        self.assertEqual(pdfs[0][0], "Quotation - %s.pdf" % order.name)
        self.assertIn(order.name, pdf_text(pdfs[0][1]))
        self.assertEqual(order.state, "sent")
        message = order.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertNotIn(self.other, message.needaction_partner_ids)
        # The chatter keeps the very bytes the customer received.
        self.assertEqual(base64.b64decode(message.attachment_ids.datas), pdfs[0][1])

    def test_log_note_in_the_full_composer_mails_nobody(self):
        # The chatter's "Log note", expanded to the full composer, opens the
        # same composer with default_is_log and the recipients hidden: the
        # followers must not be filled in, or the note would be emailed to
        # the customer. A follower's bad address must not block the note.
        order = self.make_order()
        bad = self.env["res.partner"].create({"name": "Bad Epsilon", "email": "epsilon.example.com"})
        order.message_subscribe(partner_ids=(self.other | bad).ids)
        context = {"default_model": "sale.order", "default_res_id": order.id, "default_is_log": True}
        composer_model = self.env["mail.compose.message"].with_context(**context)
        values = composer_model.default_get(list(composer_model._fields))
        self.assertTrue(values["is_log"])
        self.assertFalse(values.get("partner_ids"))
        composer = composer_model.create({"body": "<p>Margin too low, check with Bob.</p>"})
        self.assertFalse(composer.partner_ids)
        mails = self.env["mail.mail"].search_count([])
        self.send(composer)
        note = order.message_ids.filtered(lambda message: "Margin too low" in (message.body or ""))
        self.assertEqual(len(note), 1)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertFalse(self.smtp.attempts)
        self.assertEqual(order.state, "draft")

    def test_web_client_onchange_keeps_the_followers(self):
        # The web client opens the composer with default_get, then the
        # generic onchange, which applies the template: its recipients must
        # not replace the followers.
        order = self.make_order()
        order.message_subscribe(partner_ids=self.other.ids)
        context = order.action_quotation_send()["context"]
        composer_model = self.env["mail.compose.message"].with_context(**context)
        values = composer_model.default_get(list(composer_model._fields))
        result = composer_model.onchange(values, [], composer_model._onchange_spec())
        # The onchange only returns what changed from the defaults.
        commands = result["value"].get("partner_ids", values["partner_ids"])
        shown = self.env["res.partner"]
        for command in commands:
            if command[0] in (5, 6):
                shown = self.env["res.partner"].browse(command[2] if command[0] == 6 else [])
            elif command[0] == 4:
                shown |= self.env["res.partner"].browse(command[1])
        self.assertEqual(shown, self.customer | self.other)

    def test_added_address_gets_it(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        # The many2many tags widget creates the contact for a typed address.
        new = self.env["res.partner"].create({"name": "New Contact", "email": "new@example.com"})
        composer.partner_ids |= new
        self.send(composer)
        # Odoo sends one message per recipient partner.
        self.assertEqual(
            sorted(tuple(mail.rcpt_tos) for mail in self.smtp.received),
            [("alpha@example.com",), ("new@example.com",)],
            self.smtp.attempts,
        )

    def test_inbox_user_gets_it_in_odoo(self):
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
        composer = self.composer(order.action_quotation_send())
        self.assertIn(user.partner_id, composer.partner_ids)
        self.send(composer)
        self.assert_one_mail_to("alpha@example.com")
        message = order.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(user.partner_id, message.needaction_partner_ids)

    def test_invoice_sent_with_its_pdf_and_flagged(self):
        invoice = self.make_invoice()
        invoice.action_invoice_open()
        composer = self.composer(invoice.action_invoice_sent())
        self.send(composer)
        received = self.assert_one_mail_to("alpha@example.com")
        pdfs = self.pdfs(received)
        self.assertEqual(len(pdfs), 1)
        self.assertEqual(pdfs[0][0], "Invoice - %s.pdf" % invoice.number.replace("/", "_"))
        text = pdf_text(pdfs[0][1])
        self.assertIn(invoice.number, text)
        self.assertIn(invoice.company_id.name, text)
        self.assertTrue(invoice.sent)


class TestChecks(DocumentCase):
    def assert_refused(self, composer, *fragments):
        mails = self.env["mail.mail"].search_count([])
        messages = self.env["mail.message"].search_count([])
        with self.assertRaises(UserError) as caught:
            composer.send_mail()
        for fragment in fragments:
            self.assertIn(fragment, caught.exception.name)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)
        return caught.exception.name

    def test_every_problem_in_one_message(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        nomail = self.env["res.partner"].create({"name": "No Mail"})
        bad = self.env["res.partner"].create({"name": "Bad Mail", "email": "bad.example.com"})
        composer.partner_ids |= nomail | bad
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attachment_size", "100")
        self.assert_refused(
            composer, "No Mail has no email", "'bad.example.com' of Bad Mail", "over the limit"
        )
        self.assertEqual(order.state, "draft")

    def test_no_recipient(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        composer.partner_ids = False
        self.assert_refused(composer, "no recipient")

    def test_size_counts_base64_growth(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        attachment = self.env["ir.attachment"].create({"name": "a.bin", "datas": "QUJDREVGR0hJ"})  # 9 bytes
        composer.attachment_ids = attachment
        # 9 bytes weigh 12 once encoded: a limit of 11 refuses, 12 accepts.
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attachment_size", "11")
        self.assert_refused(composer, "over the limit")
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attachment_size", "12")
        self.send(composer)
        self.assert_one_mail_to("alpha@example.com")

    @mute_logger("odoo.addons.mail.models.mail_template")
    def test_template_that_fails_to_render(self):
        order = self.make_order()
        action = order.action_quotation_send()
        composer = self.composer(action)
        template = composer.template_id.copy()
        # copy() forces its own name: rename afterwards.
        template.write({"name": "Broken quotation", "subject": "${object.name.no_such_method()}"})
        composer.template_id = template
        self.assert_refused(composer, "Broken quotation", "no_such_method")
        template.subject = "${object.name"
        self.assert_refused(composer, "Broken quotation")


class TestHeaderInjection(DocumentCase):
    """CR/LF smuggled into a name, subject or file name never adds a header."""

    def assert_no_injected_header(self, received):
        names = [line.split(":", 1)[0].strip().lower() for line in received.header_lines() if ":" in line]
        self.assertNotIn("bcc", names, received.header_lines())
        self.assertNotIn("x-injected", names, received.header_lines())
        for part in received.message.walk():
            self.assertNotIn("x-injected", [key.lower() for key in part.keys()], part.items())

    def test_crlf_in_partner_name_subject_and_file_name(self):
        evil = self.env["res.partner"].create(
            {"name": "Evil\r\nBcc: victim@example.com", "email": "evil@example.com"}
        )
        order = self.make_order(partner=evil)
        composer = self.composer(order.action_quotation_send())
        composer.subject = "Hello\r\nX-Injected: yes"
        attachment = self.env["ir.attachment"].create(
            {"name": "a\r\nX-Injected: yes.txt", "datas_fname": "a\r\nX-Injected: yes.txt", "datas": "QUJD"}
        )
        composer.attachment_ids |= attachment
        self.send(composer)
        received = self.assert_one_mail_to("evil@example.com")
        self.assert_no_injected_header(received)
        for name, _data, _ctype in received.attachments():
            self.assertNotIn("\n", name or "")


class TestSendFromList(DocumentCase):
    def test_three_invoices_three_mails_three_pdfs(self):
        invoices = self.env["account.invoice"]
        for index in range(3):
            partner = self.env["res.partner"].create(
                {"name": "List Customer %d" % index, "email": "list%d@example.com" % index}
            )
            invoices |= self.make_invoice(partner)
        invoices.action_invoice_open()
        composer = self.list_composer(invoices, "mail_document_send.action_account_invoice_send_by_email")
        self.send(composer)
        self.assertEqual(len(self.smtp.received), 3, self.smtp.attempts)
        seen = set()
        for invoice in invoices:
            address = invoice.partner_id.email
            mails = [mail for mail in self.smtp.received if mail.rcpt_tos == [address]]
            self.assertEqual(len(mails), 1, self.smtp.attempts)
            pdfs = self.pdfs(mails[0])
            self.assertEqual(len(pdfs), 1)
            self.assertEqual(pdfs[0][0], "Invoice - %s.pdf" % invoice.number.replace("/", "_"))
            self.assertIn(invoice.number, pdf_text(pdfs[0][1]))
            seen.add(pdfs[0][1])
        self.assertEqual(len(seen), 3)
        self.assertTrue(all(invoices.mapped("sent")))

    def test_list_send_checks_every_document(self):
        orders = self.make_order() | self.make_order(self.env["res.partner"].create({"name": "Nomail Gamma"}))
        composer = self.list_composer(orders, "mail_document_send.action_sale_order_send_by_email")
        mails = self.env["mail.mail"].search_count([])
        with self.assertRaises(UserError) as caught:
            composer.send_mail()
        # Each problem says which document of the selection it is about.
        self.assertIn(
            "%s: The recipient Nomail Gamma has no email address." % orders[1].display_name,
            caught.exception.name,
        )
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(set(orders.mapped("state")), {"draft"})


class TestFileName(DocumentCase):
    def test_names_follow_the_document_kind(self):
        order = self.make_order()
        self.assertEqual(order.mail_document_send_filename(), "Quotation - %s" % order.name)
        order.action_confirm()
        self.assertEqual(order.mail_document_send_filename(), "Order - %s" % order.name)
        invoice = self.make_invoice()
        self.assertEqual(invoice.mail_document_send_filename(), "Invoice - Draft")
        refund = self.make_invoice()
        refund.type = "out_refund"
        refund.action_invoice_open()
        self.assertEqual(
            refund.mail_document_send_filename(), "Credit Note - %s" % refund.number.replace("/", "_")
        )


class TestOutgoingServerWarning(DocumentCase):
    def opened_composer(self, action):
        """The defaults the web client asks for when the composer opens."""
        Composer = self.env["mail.compose.message"].with_context(**action["context"])
        view = Composer.fields_view_get(view_id=action["views"][0][0], view_type="form")
        self.assertIn("mail_document_send_server_warning", view["fields"])
        return Composer.default_get(list(view["fields"]))

    def test_composer_warns_when_no_outgoing_server_is_set_up(self):
        order = self.make_order()
        action = order.action_quotation_send()
        self.assertFalse(self.opened_composer(action)["mail_document_send_server_warning"])
        self.env["ir.mail_server"].search([]).write({"active": False})
        # patch.dict on Odoo's configuration: the value a fresh install has,
        # whatever the configuration file of this run says.
        with patch.dict(config.options, {"smtp_server": "localhost", "smtp_port": 25}):
            warning = self.opened_composer(action)["mail_document_send_server_warning"]
            self.assertIn("No outgoing mail server is set up", warning)
            self.assertIn("localhost, port 25", warning)
            self.assertIn("Outgoing Mail Servers", warning)
            french = self.opened_composer(dict(action, context=dict(action["context"], lang="fr_FR")))
            self.assertIn("Aucun serveur de courriel sortant", french["mail_document_send_server_warning"])
            # A warning, not a refusal: the configuration file may name a
            # real server.
            self.composer(action).send_mail()
            self.assertEqual(order.state, "sent")
        with patch.dict(config.options, {"smtp_server": "smtp.example.com", "smtp_port": 587}):
            self.assertFalse(self.opened_composer(action)["mail_document_send_server_warning"])

    def test_list_send_warns_too(self):
        invoice = self.make_invoice()
        invoice.action_invoice_open()
        self.env["ir.mail_server"].search([]).write({"active": False})
        context = list_send_context(invoice, "mail_document_send.action_account_invoice_send_by_email")
        Composer = self.env["mail.compose.message"].with_context(**context)
        with patch.dict(config.options, {"smtp_server": "localhost", "smtp_port": 25}):
            values = Composer.default_get(["model", "composition_mode", "mail_document_send_server_warning"])
        self.assertEqual(values["composition_mode"], "mass_mail")
        self.assertIn("No outgoing mail server is set up", values["mail_document_send_server_warning"])
