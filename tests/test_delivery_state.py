# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from lxml import etree

from odoo import fields
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import french_salesperson, real_smtp_delivery
from .outbox_common import MUTED, MailCase


class TestDeliveryState(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="sam_mds",
            name="Sam Salesperson",
            email="sam@example.com",
            groups="sales_team.group_sale_salesman",
            notification_type="inbox",
        )
        cls.colleague = new_test_user(
            cls.env,
            login="cole_mds",
            name="Cole Colleague",
            email="cole@example.com",
            groups="sales_team.group_sale_salesman",
            notification_type="inbox",
        )

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
        Model = self.env[model]
        self.assertIn(record, Model.search([("email_delivery_state", "=", "failed")]))
        self.assertNotIn(record, Model.search([("email_delivery_state", "=", "none")]))
        self.assertEqual(len(self.failure_activities(record)), 1)

        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(self.state_of(record), "sent")
        self.assertNotIn(record, Model.search([("email_delivery_state", "=", "failed")]))
        self.assertIn(record, Model.search([("email_delivery_state", "in", ["sent"])]))
        self.assertFalse(self.failure_activities(record))

    def test_sale_order(self):
        self.assert_lifecycle(self.make_order())

    def test_invoice(self):
        self.assert_lifecycle(self.make_invoice())

    def test_invoice_failure_goes_to_its_salesperson(self):
        invoice = self.make_invoice()
        invoice.invoice_user_id = self.salesperson
        self.smtp.refuse("customer@example.com")
        self.post_document(invoice, self.customer)
        self.assertEqual(self.state_of(invoice), "failed")
        self.assertEqual(self.failure_activities(invoice).user_id, self.salesperson)
        self.assertIn(invoice, self.env["account.move"].search([("email_delivery_state", "=", "failed")]))

    def test_one_mail_per_recipient_and_each_keeps_its_outcome(self):
        """One document message to two recipients: two mail.mail, one SMTP
        message each; the customer's refused for good, the accountant's
        delivered. A retry reaches only the customer."""
        order = self.make_order()
        accountant = self.env["res.partner"].create({"name": "Accountant", "email": "accountant@example.com"})
        self.smtp.refuse("customer@example.com")
        message, mails = self.post_document(order, self.customer | accountant, auto_delete=False)
        self.assertEqual(len(mails), 2)
        self.assertEqual(sorted(len(mail.recipient_ids) for mail in mails), [1, 1])
        to_customer = mails.filtered(lambda mail: mail.recipient_ids == self.customer)
        to_accountant = mails - to_customer
        self.assertEqual((to_customer.state, to_accountant.state), ("exception", "sent"))
        self.assertEqual(to_customer.failure_class, "permanent")
        # The chatter envelope: each recipient its own outcome.
        status = {n.res_partner_id: n.notification_status for n in message.notification_ids}
        self.assertEqual(status[self.customer], "exception")
        self.assertEqual(status[accountant], "sent")
        # The document failed; the accountant's delivery closes nothing.
        self.assertEqual(self.state_of(order), "failed")
        self.assertEqual(len(self.failure_activities(order)), 1)
        self.assertEqual(self.assert_one_mail_to("accountant@example.com").message_id, message.message_id)

        # The address fixed, the retry goes to the customer only.
        self.smtp.reset()
        to_customer.mark_outgoing()
        self.process_queue()
        self.assert_one_mail_to("customer@example.com")
        self.assertEqual(self.state_of(order), "sent")
        self.assertFalse(self.failure_activities(order))
        status = {n.res_partner_id: n.notification_status for n in message.notification_ids}
        self.assertEqual(set(status.values()), {"sent"})

    def test_failure_for_good_notes_every_internal_follower_and_opens_one_activity(self):
        order = self.make_order(user_id=self.salesperson.id)
        order.message_subscribe(partner_ids=self.colleague.partner_id.ids)
        self.smtp.script("451 4.3.0 Try again later")
        self.post_document(order, self.customer, auto_delete=False)
        self.assertFalse(self.failure_activities(order), "a temporary failure is not worth a to-do")

        self.smtp.script("554 5.7.1 Rejected", "554 5.7.1 Rejected")
        mail = self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
        self.send(mail)
        self.assertEqual(self.failure_activities(order).user_id, self.salesperson)
        note = order.message_ids[0]
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn("could not be delivered", str(note.body))
        self.assertIn("554 5.7.1 Rejected", str(note.body))
        # Not only the author: every internal follower is told, the customer not.
        notified = note.notification_ids.res_partner_id
        self.assertIn(self.salesperson.partner_id, notified)
        self.assertIn(self.colleague.partner_id, notified)
        self.assertNotIn(self.customer, notified)

        # A second failure: another note, still one to-do.
        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(len(self.failure_activities(order)), 1)

        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(mail.state, "sent")
        self.assertFalse(self.failure_activities(order))
        self.assertIn("was delivered", str(order.message_ids[0].body))

    def test_views_show_the_state(self):
        for xmlid, model, view_type in (
            ("sale.view_order_form", "sale.order", "form"),
            ("sale.view_quotation_tree", "sale.order", "list"),
            ("account.view_move_form", "account.move", "form"),
            ("account.view_out_invoice_tree", "account.move", "list"),
        ):
            arch = self.env[model].get_view(self.env.ref(xmlid).id, view_type)["arch"]
            self.assertIn('name="email_delivery_state"', arch, xmlid)
        for model in ("sale.order", "account.move"):
            arch = self.env[model].get_view(view_type="search")["arch"]
            self.assertIn('name="email_failed"', arch, model)


class TestFailureInTheReadersLanguage(MailCase):
    """Issue 23: the queue's cron runs as OdooBot, in English; a French
    salesperson reads the note, the to-do and its mail in French."""

    def test_failure_sent_by_odoobot_is_written_in_the_salespersons_language(self):
        seller = french_salesperson(self.env, "mds_vendeuse")
        order = self.make_order(user_id=seller.id)
        self.post_document(order, self.customer, auto_delete=False, send=False)
        odoobot = self.env(user=self.env.ref("base.user_root"), context={"lang": "en_US"})
        self.smtp.script("554 5.7.1 Rejected")
        with mute_logger(*MUTED), real_smtp_delivery():
            odoobot["mail.mail"].process_email_queue()
        note = order.message_ids.filtered(lambda message: message.subtype_id == self.env.ref("mail.mt_note"))[
            :1
        ]
        self.assertIn("n'a pas pu être remis", str(note.body))
        self.assertIn("Le serveur de messagerie a refusé", str(note.body))
        self.assertNotIn("could not be delivered", str(note.body))
        activity = self.failure_activities(order)
        self.assertEqual(activity.user_id, seller)
        self.assertTrue(activity.summary.startswith("E-mail non distribué"), activity.summary)
        self.assertIn("Le serveur de messagerie a refusé", str(activity.note))
        # Stock's "assigned to you" message, in her language too.
        assigned = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        assigned = assigned.filtered(lambda message: activity.summary in (message.subject or ""))
        self.assertEqual(len(assigned), 1)
        self.assertIn("vous est attribuée", assigned.subject)

    def queue_run_by_odoobot(self, reply):
        """A quotation's email, answered `reply` by the server, in a queue
        run by OdooBot in English, with French installed; (its mail,
        OdooBot's environment)."""
        self.env["res.lang"]._activate_lang("fr_FR")
        order = self.make_order()
        _message, mail = self.post_document(order, self.customer, auto_delete=False, send=False)
        odoobot = self.env(user=self.env.ref("base.user_root"), context={"lang": "en_US"})
        self.smtp.script(reply)
        with mute_logger(*MUTED), real_smtp_delivery():
            odoobot["mail.mail"].process_email_queue()
        return mail, odoobot

    def test_journal_reason_reads_in_the_readers_language(self):
        """Delivery journal: the rows the queue wrote in OdooBot's English
        read in the language of whoever opens them: a temporary failure
        given up, and a send set aside for review."""
        self.env["ir.config_parameter"].sudo().set_param("mail_document_send.max_attempts", "1")
        mail, odoobot = self.queue_run_by_odoobot("451 4.3.0 Try again later")
        stuck = self.make_mail()
        stuck.write({"sending_started_date": fields.Datetime.now() - datetime.timedelta(minutes=11)})
        with mute_logger(*MUTED):
            odoobot["mail.mail"].process_email_queue()
        admin_fr = self.env(user=self.env.ref("base.user_admin"), context={"lang": "fr_FR"})
        given_up = admin_fr["mail.delivery.log"].search([("mail_id", "=", mail.id)])
        self.assertIn("no automatic retry is left after 1 attempts", given_up.failure_reason)
        self.assertIn("aucun nouvel essai automatique après 1 tentative", given_up.failure_reason_localized)
        self.assertIn("451 4.3.0 Try again later", given_up.failure_reason_localized)
        set_aside = admin_fr["mail.delivery.log"].search([("mail_id", "=", stuck.id)])
        self.assertTrue(set_aside.review_needed)
        self.assertIn("Sending was interrupted", set_aside.failure_reason)
        self.assertIn("L'envoi a été interrompu", set_aside.failure_reason_localized)
        admin_en = self.env(user=self.env.ref("base.user_admin"), context={"lang": "en_US"})
        self.assertEqual(
            admin_en["mail.delivery.log"].browse(given_up.id).failure_reason_localized,
            given_up.failure_reason,
        )

    def test_failure_reason_reads_in_the_administrators_language(self):
        """Technical > Emails: the reason the queue stored in OdooBot's
        English reads in the language of the administrator who opens it."""
        mail, _odoobot = self.queue_run_by_odoobot("554 5.7.1 Rejected")
        mail.invalidate_recordset()
        self.assertEqual(mail.state, "exception")
        self.assertIn("The mail server refused", mail.failure_reason)
        admin_fr = self.env(user=self.env.ref("base.user_admin"), context={"lang": "fr_FR"})
        reason_fr = admin_fr["mail.mail"].browse(mail.id).failure_reason_localized
        self.assertIn("Le serveur de messagerie a refusé", reason_fr)
        self.assertIn("554 5.7.1 Rejected", reason_fr)
        admin_en = self.env(user=self.env.ref("base.user_admin"), context={"lang": "en_US"})
        self.assertIn(
            "The mail server refused", admin_en["mail.mail"].browse(mail.id).failure_reason_localized
        )
        # The form shows it in place of the stored text.
        arch = etree.fromstring(
            admin_fr["mail.mail"].get_view(self.env.ref("mail.view_mail_form").id, "form")["arch"]
        )
        (page,) = arch.xpath("//page[@name='failure_reason']")
        self.assertEqual(
            [field.get("name") for field in page.iter("field")][:2],
            ["failure_reason_localized", "failure_reason"],
        )
