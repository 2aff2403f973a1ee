# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

import lxml.html
from lxml import etree

from odoo import tools
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from ..hooks import STOCK_REPORT_NAMES, uninstall_hook
from .common import SmtpCase, french_salesperson
from .test_send_document import DocumentMixin


@tagged("post_install", "-at_install")
class TestDefaultTemplates(TransactionCase):
    def test_one_translated_template_per_kind(self):
        for xmlid, model in (
            ("mail_document_send.mail_template_sale_order", "sale.order"),
            ("mail_document_send.mail_template_account_move", "account.move"),
        ):
            template = self.env.ref(xmlid)
            self.assertEqual(template.model, model)
            self.assertEqual(template.lang, "{{ object.partner_id.lang }}")
            self.assertTrue(template.auto_delete)
            french = template.with_context(lang="fr_FR")
            self.assertIn("(Réf {{ object.name or 'n/a' }})", french.subject)
            self.assertIn("Veuillez trouver ci-joint notre", french.body_html)
            self.assertIn("Please find attached our", template.with_context(lang="en_US").body_html)
        order = self.env["sale.order"].search([], limit=1)
        self.assertEqual(
            order._find_mail_template(), self.env.ref("mail_document_send.mail_template_sale_order")
        )

    def test_auto_delete_is_explained(self):
        arch = self.env["mail.template"].get_view(view_type="form")["arch"]
        auto_delete = etree.fromstring(arch).xpath("//field[@name='auto_delete']")[0]
        text = " ".join(" ".join(auto_delete.getnext().itertext()).split())
        self.assertIn("removes the email from Settings > Technical > Email > Emails once it is sent", text)
        self.assertIn("delivery journal are kept", text)
        # Issue 23: the menus as the French user reads them, Odoo's word.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["mail_document_send"], ["fr_FR"], overwrite=True)
        arch = self.env["mail.template"].with_context(lang="fr_FR").get_view(view_type="form")["arch"]
        auto_delete = etree.fromstring(arch).xpath("//field[@name='auto_delete']")[0]
        text = " ".join(" ".join(auto_delete.getnext().itertext()).split())
        self.assertIn("Paramètres > Technique > E-mail > E-mails", text)
        self.assertNotIn("courriel", text.lower())

    def test_uninstall_gives_the_stock_pdf_name_back(self):
        report = self.env.ref("sale.action_report_saleorder")
        self.assertEqual(report.print_report_name, "object.mail_document_send_filename()")
        uninstall_hook(self.env)
        self.assertEqual(report.print_report_name, STOCK_REPORT_NAMES["sale.action_report_saleorder"])


class TestSaveAsTemplate(DocumentMixin, SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_documents()

    def test_salesperson_who_is_no_template_editor_saves_a_template(self):
        # Odoo 18 restricts template rendering by default: a salesperson may
        # only write the expressions stock allows, and Save as template must
        # work for them as stock's does.
        salesperson = new_test_user(
            self.env,
            login="mds_template_seller",
            groups="sales_team.group_sale_salesman",
            email="s@example.com",
        )
        self.assertFalse(salesperson.has_group("mail.group_mail_template_editor"))
        order = self.make_order()
        order.user_id = salesperson
        order = order.with_user(salesperson)
        action = order.action_quotation_send()
        composer = Form(
            self.env[action["res_model"]].with_user(salesperson).with_context(**action["context"])
        ).save()
        composer.body = "<p>Dear %s, your quotation %s.</p>" % (self.customer.name, order.name)
        composer.template_name = "Seller's own"
        composer.create_mail_template()
        template = composer.template_id.sudo()
        self.assertEqual(template.name, "Seller's own")
        # What stock lets anyone write is generalized; the rest is not.
        self.assertIn('<t t-out="object.name"', template.body_html)
        self.assertIn('<t t-out="object.partner_id.name"', template.body_html)
        self.assertNotIn(order.name, template.body_html)
        self.assertFalse(template._has_unsafe_expression())

    def test_saved_template_round_trip(self):
        order = self.make_order()
        composer = self.order_composer(order).save()
        composer.body = "<p>Dear %s, our spring offer %s is attached.</p>" % (self.customer.name, order.name)
        composer.subject = "Spring offer %s" % order.name
        leaflet = self.env["ir.attachment"].create(
            {
                "name": "leaflet.txt",
                "datas": base64.b64encode(b"Spring"),
                "res_model": "mail.compose.message",
                "res_id": 0,
            }
        )
        composer.attachment_ids |= leaflet
        composer.template_name = "Spring offer"
        composer.create_mail_template()
        template = composer.template_id
        self.assertEqual(template.name, "Spring offer")
        self.assertEqual(template.model, "sale.order")
        # The user's file is kept, the PDF of this quotation is not; the
        # saved template renders its own PDF, in the customer's language.
        self.assertEqual(template.attachment_ids.mapped("name"), ["leaflet.txt"])
        self.assertEqual(template.report_template_ids, self.env.ref("sale.action_report_saleorder"))
        self.assertEqual(template.lang, "{{ object.partner_id.lang }}")
        self.assertEqual(template.subject, "Spring offer {{ object.name }}")
        self.assertIn('<t t-out="object.name"', template.body_html)
        self.assertNotIn(order.name, template.body_html)
        # The composer still sends this quotation's PDF, once.
        self.assertEqual(
            sorted(composer.attachment_ids.mapped("name")), ["Quotation - %s.pdf" % order.name, "leaflet.txt"]
        )

        omega = self.env["res.partner"].create({"name": "Customer Omega", "email": "omega@example.com"})
        other = self.make_order(partner=omega)
        self.send(self.order_composer(other, default_template_id=template.id).save())
        received = self.mail_to("omega@example.com")
        self.assertEqual(received.message["Subject"], "Spring offer %s" % other.name)
        self.assertIn(
            "Dear Customer Omega, our spring offer %s is attached." % other.name, received.body_html()
        )
        self.assertNotIn(order.name, received.body_html())
        self.assertEqual(
            sorted(name for name, _data, _type in received.attachments()),
            ["Quotation - %s.pdf" % other.name, "leaflet.txt"],
        )

    def test_french_salesperson_saves_a_template_for_any_customer(self):
        # Issue 23: a French salesperson saves the message written for an
        # English customer's quotation. The template must not carry that
        # quotation's PDF, nor its number, customer, amounts (in either
        # language's format), validity date or salesperson, in any language.
        seller = french_salesperson(self.env, "mds_french_seller")
        other_seller = new_test_user(
            self.env,
            login="mds_other_seller",
            name="Vendeur Marc",
            email="marc@example.com",
            groups="sales_team.group_sale_salesman",
        )
        self.assertFalse(seller.has_group("mail.group_mail_template_editor"))
        english = self.env["res.partner"].create(
            {"name": "Deco Addict Test", "email": "deco@example.com", "lang": "en_US"}
        )
        order = self.make_order(partner=english)
        order.write({"user_id": seller.id, "validity_date": "2026-12-24"})
        order.order_line.price_unit = 202.5
        order = order.with_user(seller).with_context(lang="fr_FR")
        values = {
            lang: {
                "amount": tools.format_amount(
                    self.env, order.amount_total, order.currency_id, lang_code=lang
                ),
                "date": tools.format_date(self.env, order.validity_date, lang_code=lang),
            }
            for lang in ("en_US", "fr_FR")
        }
        action = order.action_quotation_send()
        form = Form(self.env[action["res_model"]].with_user(seller).with_context(**action["context"]))
        composer = form.save()
        pdf = "Quotation - %s.pdf" % order.name
        self.assertIn(pdf, composer.attachment_ids.mapped("name"))
        composer.body = (
            "<p>Dear Deco Addict Test, quotation %s: %s (%s), valid until %s / %s. Vendeuse Zoé</p>"
            % (
                order.name,
                values["en_US"]["amount"].replace("\xa0", "&nbsp;"),
                values["fr_FR"]["amount"],
                values["en_US"]["date"],
                values["fr_FR"]["date"],
            )
        )
        leaflet = (
            self.env["ir.attachment"]
            .with_user(seller)
            .create(
                {
                    "name": "leaflet.txt",
                    "datas": base64.b64encode(b"Promo"),
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
            )
        )
        composer.attachment_ids |= leaflet
        message = composer.body
        # The dialog lists what the template will keep, before saving.
        self.assertEqual(composer.mail_document_send_template_attachment_ids, leaflet)
        composer.template_name = "Devis promo fin d'année"
        composer.create_mail_template()
        template = composer.template_id.sudo()
        self.assertEqual(template.attachment_ids.mapped("name"), ["leaflet.txt"])
        self.assertFalse(template._has_unsafe_expression())
        for lang in ("en_US", "fr_FR"):
            text = template.with_context(lang=lang)
            for value in (order.name, "Deco Addict Test", "Vendeuse Zoé", "202", values[lang]["date"]):
                self.assertNotIn(value, text.subject + text.body_html, lang)
        # The salesperson's message is unchanged, its PDF attached once.
        self.assertEqual(composer.body, message)
        self.assertEqual(sorted(composer.attachment_ids.mapped("name")), [pdf, "leaflet.txt"])

        second_customer = self.env["res.partner"].create(
            {"name": "Client Second", "email": "second@example.com", "lang": "fr_FR"}
        )
        second = self.make_order(partner=second_customer)
        second.write({"user_id": other_seller.id, "validity_date": "2027-01-15"})
        self.send(self.order_composer(second, default_template_id=template.id).save())
        received = self.mail_to("second@example.com")
        # What the customer reads: not the links' random tokens, where "202"
        # turns up by chance (a run failed so: "...020217779471...").
        text = received.message["Subject"] + lxml.html.fromstring(received.body_html()).text_content()
        for value in (order.name, "Deco Addict Test", "Vendeuse Zoé", "202", values["fr_FR"]["date"]):
            self.assertNotIn(value, text)
        for value in (second.name, "Client Second", "Vendeur Marc"):
            self.assertIn(value, text)
        self.assertIn(
            tools.format_amount(self.env, second.amount_total, second.currency_id, lang_code="fr_FR").replace(
                "\xa0", "&nbsp;"
            ),
            received.body_html().replace("\xa0", "&nbsp;"),
        )
        self.assertEqual(
            sorted(name for name, _data, _type in received.attachments()),
            ["Devis - %s.pdf" % second.name, "leaflet.txt"],
        )


@tagged("post_install", "-at_install")
class TestTemplatesOfNonEditors(TransactionCase):
    """Issue 23: the composer's template menu asks which templates the user
    may overwrite and delete (stock's rule: their own, or all for editors)."""

    def test_salesperson_may_change_only_own_templates(self):
        seller = new_test_user(self.env, login="mds_menu_seller", groups="sales_team.group_sale_salesman")
        Template = self.env["mail.template"]
        model = self.env["ir.model"]._get_id("sale.order")
        shared = Template.create({"name": "Shared", "model_id": model})
        own = Template.create({"name": "Own", "model_id": model, "user_id": seller.id})
        allowed = Template.with_user(seller).mail_document_send_allowed_actions("sale.order")
        self.assertIn(own.id, allowed["write"])
        self.assertIn(own.id, allowed["unlink"])
        self.assertNotIn(shared.id, allowed["write"])
        self.assertNotIn(shared.id, allowed["unlink"])
        # What it offers is what stock then lets the salesperson do.
        for template_id in allowed["write"]:
            Template.with_user(seller).browse(template_id).check_access("write")
        admin = Template.with_user(self.env.ref("base.user_admin"))
        allowed = admin.mail_document_send_allowed_actions("sale.order")
        self.assertTrue({own.id, shared.id} <= set(allowed["write"]) & set(allowed["unlink"]))

    def test_placeholder_in_a_signature_is_allowed_to_a_salesperson(self):
        # The sanitizer marks everything in a signature or after it as quoted
        # (data-o-mail-quote), placeholders too: Odoo 18 refused the template
        # of a salesperson whose message ended there.
        Template = self.env["mail.template"]
        allowed = '<div data-o-mail-quote="1"><t t-out="object.name" data-o-mail-quote="1"/></div>'
        self.assertFalse(Template._has_unsafe_expression_template_qweb(allowed, "sale.order"))
        for refused in (
            '<div><t t-out="object.env" data-o-mail-quote="1"/></div>',
            '<div><t t-out="object.name" data-o-mail-quote="1" data-other="1"/></div>',
            '<div><t t-esc="object.name" data-o-mail-quote="1"/></div>',
        ):
            self.assertTrue(Template._has_unsafe_expression_template_qweb(refused, "sale.order"), refused)

        seller = new_test_user(
            self.env,
            login="mds_quote_seller",
            name="Sid Seller",
            groups="sales_team.group_sale_salesman",
            signature="<span>-- <br/>Sid Seller</span>",
        )
        customer = self.env["res.partner"].create({"name": "Quoted Customer", "email": "q@example.com"})
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": seller.id,
                "order_line": [(0, 0, {"product_id": self.env.ref("product.product_product_4").id})],
            }
        )
        action = order.with_user(seller).action_quotation_send()
        composer = Form(
            self.env[action["res_model"]].with_user(seller).with_context(**action["context"])
        ).save()
        # What the web editor sends back: the user's line ended up in the
        # signature's quoted block.
        composer.body = (
            '<div data-o-mail-quote-container="1"><p>Dear Quoted Customer,</p>'
            '<div data-o-mail-quote="1" data-o-mail-quote-container="1"><span data-o-mail-quote="1">-- '
            '<br data-o-mail-quote="1"/>Sid Seller</span></div>'
            '<div data-o-mail-quote="1">Promo for Quoted Customer, %s.</div></div>' % order.name
        )
        composer.template_name = "Quoted"
        composer.create_mail_template()
        body = composer.template_id.sudo().body_html
        self.assertNotIn("Quoted Customer", body)
        self.assertNotIn(order.name, body)
        self.assertNotIn("Sid Seller", body)
