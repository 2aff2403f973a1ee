# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError

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

    def test_one_recipient_refused_makes_the_document_failed(self):
        # One message, one mail per recipient: the customer's is refused for
        # good, the accountant's delivered after it. The document failed.
        order = self.env.ref("sale.sale_order_2").copy()
        to_customer = self.make_mail(model="sale.order", res_id=order.id, email_to="customer@example.com")
        to_accountant = self.make_mail(
            mail_message_id=to_customer.mail_message_id.id, email_to="accountant@example.com"
        )
        self.assertEqual(to_customer.message_id, to_accountant.message_id)
        self.smtp.refuse("customer@example.com")
        self.send(to_customer | to_accountant)
        self.assertEqual((to_customer.state, to_accountant.state), ("exception", "sent"))
        self.assertEqual(self.state_of(order), "failed")
        self.assertIn(order, self.env["sale.order"].search([("email_delivery_state", "=", "failed")]))
        # The accountant's delivery does not close the customer's to-do.
        activity_type = self.env.ref("mail_document_send.mail_activity_type_email_failed")
        todo = [
            ("res_model", "=", "sale.order"),
            ("res_id", "=", order.id),
            ("activity_type_id", "=", activity_type.id),
        ]
        self.assertEqual(self.env["mail.activity"].search_count(todo), 1)
        self.assertFalse(order.message_ids.filtered(lambda message: "was delivered" in (message.body or "")))
        self.smtp.reset()
        to_customer.mark_outgoing()
        self.send(to_customer)
        self.assertEqual(self.state_of(order), "sent")
        self.assertEqual(self.env["mail.activity"].search_count(todo), 0)

    def test_failure_for_good_notes_chatter_and_opens_one_activity(self):
        salesperson = self.env["res.users"].create(
            {
                "name": "Sam Salesperson",
                "login": "sam_mds",
                "email": "sam@example.com",
                "groups_id": [(6, 0, [self.env.ref("sales_team.group_sale_salesman").id])],
            }
        )
        order = self.env.ref("sale.sale_order_2").copy({"user_id": salesperson.id})
        activity_type = self.env.ref("mail_document_send.mail_activity_type_email_failed")

        def activities():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        mail = self.make_mail(model="sale.order", res_id=order.id, subject="Quotation Q42")
        self.smtp.script("451 4.3.0 Try again later")
        self.send(mail)
        self.assertFalse(activities(), "a temporary failure is not worth a to-do")

        self.smtp.script("550 5.1.1 User unknown", "550 5.1.1 User unknown")
        self.send(mail)
        self.assertEqual(activities().user_id, salesperson)
        self.assertIn("Quotation Q42", order.message_ids[0].body)
        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(len(activities()), 1)

        mail.mark_outgoing()
        self.send(mail)
        self.assertEqual(mail.state, "sent")
        self.assertFalse(activities())
        self.assertIn("was delivered", order.message_ids[0].body)
        # The notes are internal: no email was queued for the followers.
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "sale.order"), ("res_id", "=", order.id), ("id", "!=", mail.id)]
            )
        )


class TestJournalAccess(MailCase):
    def make_user(self, login, group):
        return self.env["res.users"].create(
            {
                "name": login,
                "login": login,
                "email": "%s@example.com" % login,
                "groups_id": [(6, 0, [self.env.ref(group).id])],
            }
        )

    def test_salesperson_sees_the_journal_of_own_documents_only(self):
        salesperson = self.make_user("seller_mds", "sales_team.group_sale_salesman")
        own = self.env.ref("sale.sale_order_2").copy({"user_id": salesperson.id})
        other = self.env.ref("sale.sale_order_2").copy({"user_id": self.env.ref("base.user_demo").id})
        for order in own | other:
            self.send(self.make_mail(model="sale.order", res_id=order.id))
        Log = self.env["mail.delivery.log"].sudo(salesperson)
        domain = [("model", "=", "sale.order"), ("res_id", "in", (own | other).ids)]
        rows = Log.search(domain)
        # Creating an order may already notify (and journal) its salesperson.
        self.assertEqual(set(rows.mapped("res_id")), {own.id})
        self.assertEqual(Log.search_count(domain), len(rows))
        # Grouping (the list's Group By, or RPC) counts and names the same rows.
        groups = Log.read_group(domain, ["res_id"], ["res_id"])
        self.assertEqual({group["res_id"] for group in groups}, {own.id})
        self.assertEqual(sum(group["res_id_count"] for group in groups), len(rows))
        groups = Log.read_group(domain, ["subject"], ["subject"])
        self.assertEqual(sum(group["subject_count"] for group in groups), len(rows))
        self.assertEqual(rows.read(["message_id"])[0]["message_id"][:1], "<")
        other_row = self.env["mail.delivery.log"].search(
            [("model", "=", "sale.order"), ("res_id", "=", other.id)]
        )
        with self.assertRaises(AccessError):
            other_row.sudo(salesperson).read(["subject"])
        # Rows follow the document's company.
        self.assertEqual(rows.sudo().mapped("company_id"), own.company_id)
        elsewhere = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        rows.sudo().write({"company_id": elsewhere.id})
        self.assertFalse(Log.search(domain))
        rows.sudo().write({"company_id": own.company_id.id})
        # The Emails smart button of the document.
        own_as_seller = own.sudo(salesperson)
        self.assertEqual(own_as_seller.email_delivery_log_count, len(rows))
        action = own_as_seller.action_view_email_delivery_log()
        self.assertEqual(Log.search(action["domain"]), rows)

    def test_portal_user_has_no_journal_and_cannot_retry(self):
        portal = self.make_user("portal_mds", "base.group_portal")
        mail = self.make_mail()
        self.smtp.script("550 5.1.1 User unknown")
        self.send(mail)
        with self.assertRaises(AccessError):
            self.env["mail.delivery.log"].sudo(portal).search([])
        with self.assertRaises(AccessError):
            mail.sudo(portal).mark_outgoing()
        self.assertEqual(mail.state, "exception")
