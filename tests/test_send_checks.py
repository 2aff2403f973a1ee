# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SmtpCase, pdf_text, real_smtp_delivery
from .test_send_document import DocumentMixin


class CheckCase(DocumentMixin, SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_documents()
        cls.no_email = cls.env["res.partner"].create({"name": "Nomail Delta"})
        cls.malformed = cls.env["res.partner"].create({"name": "Bad Epsilon", "email": "epsilon.example.com"})
        cls.accented = cls.env["res.partner"].create({"name": "Accent Zeta", "email": "zéta@example.com"})

    def list_composer(self, orders):
        """The composer of quotations selected in the list, Action > Send."""
        action = (
            self.env.ref("sale.model_sale_order_send_mail")
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .run()
        )
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    def assert_refused(self, record, send, *expected):
        """`send()` raises one error holding every `expected` text, and
        nothing was queued, posted or sent."""
        messages = record.message_ids
        mails = self.env["mail.mail"].sudo().search([])
        with self.assertRaises(UserError) as caught:
            send()
        text = str(caught.exception)
        self.assertTrue(text.startswith("This email cannot be sent:"), text)
        for part in expected:
            self.assertIn(part, text)
        self.assertEqual(record.message_ids, messages)
        self.assertEqual(self.env["mail.mail"].sudo().search([]), mails)
        self.flush_mail_queue()
        self.assertEqual(self.smtp.received, [])
        return text

    def big_attachment(self):
        # 7.6 MB raw is over 10 MiB once base64-encoded.
        return self.env["ir.attachment"].create(
            {"name": "big.bin", "raw": b"x" * (7_900_000), "res_model": "mail.compose.message", "res_id": 0}
        )


class TestComposerChecks(CheckCase):
    def test_every_problem_in_one_message_nothing_queued(self):
        order = self.make_order()
        order.message_subscribe(partner_ids=(self.no_email | self.malformed | self.accented).ids)
        composer = self.order_composer(order).save()
        composer.attachment_ids |= self.big_attachment()
        text = self.assert_refused(
            order,
            composer.action_send_mail,
            "The recipient Nomail Delta has no email address.",
            "The email address epsilon.example.com of Bad Epsilon is malformed.",
            "The email address zéta@example.com of Accent Zeta has accents or other non-ASCII characters",
            "The attachments weigh 10.",
            "over the limit of 10.0 MB",
        )
        self.assertNotIn("Customer Alpha", text)
        self.assertEqual(order.state, "draft")

    def test_scheduling_runs_the_check_too(self):
        order = self.make_order()
        order.message_subscribe(partner_ids=self.no_email.ids)
        composer = self.order_composer(order).save()
        with self.assertRaises(UserError) as caught:
            composer.action_schedule_message(scheduled_date="2099-01-01 00:00:00")
        self.assertIn("The recipient Nomail Delta has no email address.", str(caught.exception))
        self.assertFalse(self.env["mail.scheduled.message"].search([("res_id", "=", order.id)]))

    def test_confirmation_from_the_portal_is_not_checked(self):
        # Stock's order confirmation (a customer signing or paying on the
        # portal: action_confirm with send_email) posts its mail through
        # message_post_with_source, with nobody at the composer: a follower
        # without email must not stop the customer's confirmation (stock's
        # TestSaleOrder.test_sale_order_standard_flow sends that way).
        order = self.make_order()
        order.message_subscribe(partner_ids=self.no_email.ids)
        # The follower's mail fails, as on stock (logged by mail.mail).
        with mute_logger("odoo.addons.mail_document_send.outbox"), real_smtp_delivery():
            order.with_context(send_email=True).action_confirm()
            self.flush_mail_queue()
        self.assertEqual(order.state, "sale")
        self.assertIn("alpha@example.com", [rcpt for mail in self.smtp.received for rcpt in mail.rcpt_tos])
        notifications = order.message_ids.notification_ids.filtered(
            lambda notification: notification.res_partner_id == self.no_email
        )
        self.assertEqual(notifications.mapped("notification_status"), ["exception"])
        # The button's Send still refuses it, naming the follower.
        self.smtp.reset()
        composer = self.order_composer(order).save()
        self.assert_refused(
            order, composer.action_send_mail, "The recipient Nomail Delta has no email address."
        )

    def test_no_recipient(self):
        order = self.make_order()
        form = self.order_composer(order)
        form.partner_ids.clear()
        composer = form.save()
        self.assert_refused(order, composer.action_send_mail, "There is no recipient.")

    def test_too_many_recipients(self):
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_recipients", 2)
        order = self.make_order()
        order.message_subscribe(partner_ids=(self.other | self.added).ids)
        composer = self.order_composer(order).save()
        self.assert_refused(
            order,
            composer.action_send_mail,
            "There are 3 recipients, more than the 2 a document can be sent to at once.",
            "mail_document_send.max_recipients",
        )

    def test_limit_is_a_system_parameter(self):
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attachment_size", 1000)
        order = self.make_order()
        composer = self.order_composer(order).save()
        # The quotation PDF alone is over 1000 bytes.
        self.assert_refused(order, composer.action_send_mail, "over the limit of 0.0 MB")

    def test_broken_template_named_when_applied(self):
        template = self.env.ref("mail_document_send.mail_template_sale_order").copy()
        template.write({"name": "Broken quotation", "subject": "{{ object.no_such_field }}"})
        order = self.make_order()
        with mute_logger("odoo.addons.mail.models.mail_render_mixin"), self.assertRaises(UserError) as caught:
            self.order_composer(order, default_template_id=template.id)
        self.assertIn(
            "The template 'Broken quotation' fails to render: AttributeError", str(caught.exception)
        )
        self.assertNotIn("{{", str(caught.exception))

    def test_broken_template_named_at_send(self):
        order = self.make_order()
        template = self.env.ref("mail_document_send.mail_template_sale_order")
        composer = self.order_composer(order).save()
        # Broken after the composer was opened (another user edits it).
        template.body_html = '<p t-out="object.no_such_field"/>'
        with mute_logger("odoo.addons.mail.models.mail_render_mixin"):
            self.assert_refused(
                order,
                composer.action_send_mail,
                "The template 'Quotation or order: send by email' fails to render:",
                "no_such_field",
            )

    def test_server_warning_above_recipients(self):
        order = self.make_order()
        composer = self.order_composer(order).save()
        self.assertFalse(composer.mail_document_send_server_warning)
        self.env["ir.mail_server"].search([]).write({"active": False})
        composer = self.order_composer(order).save()
        self.assertIn("No outgoing mail server is set up", composer.mail_document_send_server_warning)
        arch = self.env["mail.compose.message"].get_view(view_type="form")["arch"]
        self.assertLess(arch.index("mail_document_send_server_warning"), arch.index('name="partner_ids"'))


class TestInvoiceChecks(CheckCase):
    def test_every_problem_in_one_message_nothing_posted(self):
        move = self.make_invoice()
        move.message_subscribe(partner_ids=(self.no_email | self.malformed | self.accented).ids)
        form = self.invoice_wizard(move)
        wizard = form.save()
        big = self.big_attachment()
        wizard.mail_attachments_widget = (wizard.mail_attachments_widget or []) + [
            {
                "id": big.id,
                "name": big.name,
                "mimetype": "application/octet-stream",
                "placeholder": False,
                "manual": True,
            }
        ]
        self.assert_refused(
            move,
            wizard.action_send_and_print,
            "The recipient Nomail Delta has no email address.",
            "The email address epsilon.example.com of Bad Epsilon is malformed.",
            "non-ASCII characters before the @",
            "over the limit of 10.0 MB",
        )
        self.assertFalse(move.is_move_sent)
        self.assertFalse(move.invoice_pdf_report_id)

    def test_size_counts_the_pdf_generated_at_send(self):
        # No file is attached and the PDF does not exist yet when Send is
        # clicked: the size is checked again once it is generated.
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attachment_size", 1000)
        move = self.make_invoice()
        wizard = self.invoice_wizard(move).save()
        messages = move.message_ids
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            wizard.action_send_and_print()
        self.assertIn("over the limit of 0.0 MB", str(caught.exception))
        self.env.invalidate_all()
        # Rolled back as the web client's request would be: no PDF, no post.
        self.assertFalse(move.invoice_pdf_report_id)
        self.assertFalse(move.is_move_sent)
        self.assertEqual(move.message_ids, messages)
        self.flush_mail_queue()
        self.assertEqual(self.smtp.received, [])

    def test_no_recipient(self):
        move = self.make_invoice()
        form = self.invoice_wizard(move)
        form.mail_partner_ids.clear()
        self.assert_refused(move, form.save().action_send_and_print, "There is no recipient.")

    def test_broken_template_named_when_applied_and_at_send(self):
        move = self.make_invoice()
        template = self.env.ref("mail_document_send.mail_template_account_move")
        wizard = self.invoice_wizard(move).save()
        template.subject = "{{ object.no_such_field }}"
        with mute_logger("odoo.addons.mail.models.mail_render_mixin"):
            self.assert_refused(
                move,
                wizard.action_send_and_print,
                "The template 'Invoice or credit note: send by email' fails to render: AttributeError",
            )
            with self.assertRaises(UserError) as caught:
                self.invoice_wizard(move)
        self.assertIn(
            "The template 'Invoice or credit note: send by email' fails to render", str(caught.exception)
        )


class TestBigAttachmentRaw(CheckCase):
    def test_base64_growth_counts(self):
        # 7.6 MB raw, 10.1 MB encoded: refused although the raw size passes.
        attachment = self.big_attachment()
        self.assertLess(attachment.file_size, 10 * 1024 * 1024)
        self.assertGreater(len(base64.b64encode(attachment.raw)), 10 * 1024 * 1024)
        problems = self.env["sale.order"]._mail_document_send_size_problems(
            [(attachment.name, attachment.file_size)]
        )
        self.assertEqual(len(problems), 1)
        self.assertFalse(self.env["sale.order"]._mail_document_send_size_problems([("small.bin", 7_000_000)]))


class TestListSend(CheckCase):
    def test_three_quotations_from_the_list(self):
        orders = self.make_order() | self.make_order() | self.make_order()
        form = self.list_composer(orders)
        self.assertEqual(form.composition_mode, "mass_mail")
        form.template_id = self.env.ref("mail_document_send.mail_template_sale_order")
        self.send(form.save())
        self.assertEqual(len(self.smtp.received), 3, self.smtp.attempts)
        names = sorted(name for mail in self.smtp.received for name, _data in self.pdfs(mail))
        self.assertEqual(names, sorted("Quotation - %s.pdf" % order.name for order in orders))
        self.assertEqual(set(orders.mapped("state")), {"sent"})

    def test_one_bad_quotation_names_itself_and_stops_the_list(self):
        bad = self.make_order(partner=self.malformed)
        orders = self.make_order() | bad | self.make_order()
        form = self.list_composer(orders)
        form.template_id = self.env.ref("mail_document_send.mail_template_sale_order")
        composer = form.save()
        text = self.assert_refused(bad, composer.action_send_mail, "%s: The email address" % bad.name)
        self.assertEqual(text.count("\n- "), 1, text)
        self.assertEqual(set(orders.mapped("state")), {"draft"})

    def test_template_failing_for_one_quotation_names_it(self):
        template = self.env.ref("mail_document_send.mail_template_sale_order").copy()
        template.write({"name": "By reference", "subject": "{{ object.partner_id.ref.upper() }}"})
        with_ref = self.env["res.partner"].create(
            {"name": "Ref Customer", "email": "ref@example.com", "ref": "c1"}
        )
        good = self.make_order(partner=with_ref)
        bad = self.make_order()
        orders = good | bad
        form = self.list_composer(orders)
        form.template_id = template
        with mute_logger("odoo.addons.mail.models.mail_render_mixin"):
            text = self.assert_refused(
                bad,
                form.save().action_send_mail,
                "%s: The template 'By reference' fails to render: AttributeError" % bad.name,
            )
        self.assertNotIn(good.name, text)

    def batch_wizard(self, moves):
        action = moves.action_send_and_print()
        self.assertEqual(action["res_model"], "account.move.send.batch.wizard")
        return Form(self.env[action["res_model"]].with_context(**action["context"])).save()

    def test_three_invoices_from_the_list_through_the_cron(self):
        moves = self.make_invoice() | self.make_invoice() | self.make_invoice()
        self.batch_wizard(moves).action_send_and_print()
        self.assertTrue(all(moves.mapped("sending_data")))
        # What the cron account.ir_cron_account_move_send runs.
        with real_smtp_delivery():
            self.env["account.move"]._cron_account_move_send()
        self.flush_mail_queue()
        self.assertEqual(len(self.smtp.received), 3, self.smtp.attempts)
        pdfs = {}
        for mail in self.smtp.received:
            self.assertEqual(mail.rcpt_tos, ["alpha@example.com"])
            ((name, data),) = self.pdfs(mail)
            pdfs[name] = data
        self.assertEqual(
            sorted(pdfs), sorted("Invoice - %s.pdf" % move.name.replace("/", "_") for move in moves)
        )
        for move in moves:
            self.assertIn(move.name, pdf_text(pdfs["Invoice - %s.pdf" % move.name.replace("/", "_")]))
        self.assertTrue(all(moves.mapped("is_move_sent")))

    def test_one_bad_invoice_names_itself_and_stops_the_list(self):
        bad = self.make_invoice(partner=self.no_email)
        moves = self.make_invoice() | bad | self.make_invoice()
        wizard = self.batch_wizard(moves)
        self.assert_refused(
            bad, wizard.action_send_and_print, "%s: The recipient Nomail Delta" % bad.display_name
        )
        self.assertFalse(any(moves.mapped("sending_data")))


@tagged("post_install", "-at_install")
class TestSizeRefusalInTheUsersLanguage(TransactionCase):
    """Issue 23: the sizes as the user's language writes numbers, and the
    system parameter named to administrators only."""

    def test_french_salesperson_and_french_admin(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        seller = new_test_user(
            self.env, login="mds_size_seller", groups="sales_team.group_sale_salesman", lang="fr_FR"
        )
        files = [("big.bin", 11_500_000), ("small.bin", 100_000)]
        (problem,) = self.env(user=seller, context={"lang": "fr_FR"})[
            "sale.order"
        ]._mail_document_send_size_problems(files)
        self.assertIn("14,8 Mo", problem)
        self.assertIn("10,0 Mo", problem)
        self.assertIn("big.bin (11,0 Mo)", problem)
        self.assertNotIn("mail_document_send.max_attachment_size", problem)
        self.assertIn("administrateur", problem)
        admin = self.env.ref("base.user_admin")
        (problem,) = self.env(user=admin, context={"lang": "fr_FR"})[
            "sale.order"
        ]._mail_document_send_size_problems(files)
        self.assertIn("14,8 Mo", problem)
        self.assertIn("mail_document_send.max_attachment_size", problem)
