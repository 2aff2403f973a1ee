# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from lxml import etree

from odoo.modules.module import get_module_resource
from odoo.tools.safe_eval import safe_eval
from odoo.tools.translate import trans_load

from .test_send_document import DocumentCase


class TestDefaultTemplates(DocumentCase):
    """The default template of each kind speaks the customer's language:
    subject, body and PDF name, in French and in English."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            # Whatever languages the database has: base.language.install would
            # read every module's fr.po, this addon's is all these tests need.
            cls.env["res.lang"].load_lang("fr_FR")
            trans_load(
                cls.env.cr,
                get_module_resource("mail_document_send", "i18n", "fr.po"),
                "fr_FR",
                verbose=False,
                module_name="mail_document_send",
            )
            cls.env["ir.translation"].clear_caches()
            cls.french = cls.env["res.partner"].create(
                {"name": "Client Dupont", "email": "dupont@example.com", "lang": "fr_FR"}
            )
            cls.english = cls.env["res.partner"].create(
                {"name": "Customer Smith", "email": "smith@example.com", "lang": "en_US"}
            )
            cls.company = cls.env.user.company_id.name
        except Exception:
            # unittest skips tearDownClass when setUpClass fails: without it
            # the test cursor keeps its locks and every later class waits.
            cls.tearDownClass()
            raise

    def attachment_names(self, composer):
        return composer.attachment_ids.mapped("name")

    def test_french_quotation_on_the_wire(self):
        order = self.make_order(self.french)
        composer = self.composer(order.action_quotation_send())
        self.assertEqual(composer.template_id, self.env.ref("mail_document_send.mail_template_sale_order"))
        self.send(composer)
        received = self.assert_one_mail_to("dupont@example.com")
        self.assertEqual(received.message["Subject"], "%s Devis (réf. %s)" % (self.company, order.name))
        body = received.body_html()
        self.assertIn("Bonjour Client Dupont", body)
        self.assertIn("Veuillez trouver ci-joint votre devis", body)
        self.assertNotIn("Please find", body)
        self.assertEqual([name for name, _data in self.pdfs(received)], ["Devis - %s.pdf" % order.name])

    def test_english_quotation(self):
        order = self.make_order(self.english)
        composer = self.composer(order.action_quotation_send())
        self.assertEqual(composer.subject, "%s Quotation (Ref %s)" % (self.company, order.name))
        self.assertIn("Please find attached your quotation", composer.body)
        self.assertEqual(self.attachment_names(composer), ["Quotation - %s.pdf" % order.name])

    def test_french_and_english_confirmed_order(self):
        for partner, subject, sentence, pdf in (
            (
                self.french,
                "Bon de commande (réf. %s)",
                "votre confirmation de commande",
                "Bon de commande - %s.pdf",
            ),
            (self.english, "Order (Ref %s)", "your order confirmation", "Order - %s.pdf"),
        ):
            order = self.make_order(partner)
            order.action_confirm()
            composer = self.composer(order.action_quotation_send())
            self.assertEqual(composer.subject, "%s %s" % (self.company, subject % order.name))
            self.assertIn(sentence, composer.body)
            self.assertEqual(self.attachment_names(composer), [pdf % order.name])

    def test_french_and_english_invoice(self):
        for partner, subject, sentence, pdf in (
            (self.french, "Facture (réf. %s)", "votre facture", "Facture - %s.pdf"),
            (self.english, "Invoice (Ref %s)", "your invoice", "Invoice - %s.pdf"),
        ):
            invoice = self.make_invoice(partner)
            invoice.action_invoice_open()
            composer = self.composer(invoice.action_invoice_sent())
            self.assertEqual(
                composer.template_id, self.env.ref("mail_document_send.mail_template_account_invoice")
            )
            self.assertEqual(composer.subject, "%s %s" % (self.company, subject % invoice.number))
            self.assertIn(sentence, composer.body)
            self.assertEqual(self.attachment_names(composer), [pdf % invoice.number.replace("/", "_")])

    def test_draft_invoice_says_draft(self):
        invoice = self.make_invoice(self.french)
        composer = self.composer(invoice.action_invoice_sent())
        self.assertEqual(composer.subject, "%s Facture (brouillon)" % self.company)
        self.assertEqual(self.attachment_names(composer), ["Facture - Brouillon.pdf"])


def command_ids(commands):
    """The ids an x2many holds after `commands`, as the web client applies them."""
    ids = []
    for command in commands:
        if command[0] == 6:
            ids = list(command[2])
        elif command[0] == 5:
            ids = []
        elif command[0] in (1, 4):
            ids.append(command[1])
    return ids


class TestSaveAsTemplate(DocumentCase):
    def offered(self, composer):
        """The templates the composer's "Use template" field offers."""
        domain = safe_eval(composer._fields["template_id"].domain, {"model": composer.model})
        return self.env["mail.template"].search(domain)

    def save_as(self, composer, name):
        action = composer.save_as_template()
        self.assertEqual(action["res_model"], "mail.compose.template.save")
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({"name": name})
        return wizard.action_save()

    def test_saved_template_round_trip(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        # Stock would name it after the model and subject; the user is asked.
        defaults = (
            self.env["mail.compose.template.save"]
            .with_context(**composer.save_as_template()["context"])
            .default_get(["name", "composer_id", "model_description"])
        )
        self.assertEqual(defaults["composer_id"], composer.id)
        model_name = self.env["ir.model"]._get("sale.order").name
        self.assertEqual(defaults["name"], "%s: %s" % (model_name, composer.subject))
        composer.body = "<p>Dear %s, our spring offer %s is attached.</p>" % (self.customer.name, order.name)
        leaflet = self.env["ir.attachment"].create(
            {"name": "leaflet.txt", "datas_fname": "leaflet.txt", "datas": base64.b64encode(b"Spring")}
        )
        composer.attachment_ids |= leaflet
        reopen = self.save_as(composer, "Spring offer")
        # Back to the same message, untouched, the new template selected.
        self.assertEqual((reopen["res_model"], reopen["res_id"]), ("mail.compose.message", composer.id))
        self.assertNotIn("default_composer_id", reopen["context"])
        template = self.env["mail.template"].search([("name", "=", "Spring offer")])
        self.assertEqual(composer.template_id, template)
        self.assertIn("spring offer %s" % order.name, composer.body)
        self.assertEqual(template.model, "sale.order")
        # The user's file is kept, the PDF of this quotation is not.
        self.assertEqual(template.attachment_ids.mapped("name"), ["leaflet.txt"])
        self.assertNotEqual(template.attachment_ids, leaflet)

        other_customer = self.env["res.partner"].create(
            {"name": "Customer Omega", "email": "omega@example.com"}
        )
        other = self.make_order(other_customer)
        context = other.action_quotation_send()["context"]
        self.assertIn(template, self.offered(self.composer({"context": context})))
        # Picked under "Use template" as the web client does it: the onchange
        # of the composer being edited.
        model = self.env["mail.compose.message"].with_context(**context)
        values = model.default_get(list(model._fields))
        # The web client sends every field of the form, empty ones included.
        values.setdefault("attachment_ids", [])
        values["template_id"] = template.id
        applied = model.onchange(values, "template_id", model._onchange_spec())["value"]
        self.assertIn("Dear Customer Omega, our spring offer %s is attached." % other.name, applied["body"])
        self.assertNotIn(order.name, applied["body"])
        self.assertEqual(applied["subject"], "%s Quotation (Ref %s)" % (other.company_id.name, other.name))
        attachments = self.env["ir.attachment"].browse(command_ids(applied["attachment_ids"]))
        self.assertEqual(
            sorted(attachments.mapped("name")), ["Quotation - %s.pdf" % other.name, "leaflet.txt"]
        )
        self.send(self.composer({"context": dict(context, default_template_id=template.id)}))
        received = self.assert_one_mail_to("omega@example.com")
        self.assertIn("our spring offer %s is attached" % other.name, received.body_html())
        self.assertEqual(
            sorted(name for name, _data, _type in received.attachments()),
            ["Quotation - %s.pdf" % other.name, "leaflet.txt"],
        )

        invoice = self.make_invoice()
        composer = self.composer(invoice.action_invoice_sent())
        self.assertNotIn(template, self.offered(composer))
        self.assertIn(
            self.env.ref("mail_document_send.mail_template_account_invoice"), self.offered(composer)
        )

    def test_cancel_saves_nothing(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        templates = self.env["mail.template"].search_count([])
        action = composer.save_as_template()
        wizard = self.env[action["res_model"]].with_context(**action["context"]).create({"name": "Never"})
        reopen = wizard.action_cancel()
        self.assertEqual(reopen["res_id"], composer.id)
        self.assertEqual(self.env["mail.template"].search_count([]), templates)
        self.assertEqual(composer.template_id, self.env.ref("mail_document_send.mail_template_sale_order"))


class TestTemplateForm(DocumentCase):
    def test_auto_delete_is_explained(self):
        arch = self.env["mail.template"].fields_view_get(view_type="form")["arch"]
        form = etree.fromstring(arch)
        auto_delete = form.xpath("//field[@name='auto_delete']")[0]
        help_line = auto_delete.getnext()
        self.assertIsNotNone(help_line)
        text = " ".join(help_line.itertext())
        self.assertIn("deletes the email itself once it is sent", text)
        self.assertIn("delivery journal are kept", text)
