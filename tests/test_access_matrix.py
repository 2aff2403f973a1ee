# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may read the delivery journal and act on mails: administrators all;
a salesperson or an accountant the rows of documents they may read; a
portal user nothing. Retry, cancel and the state: administrators only,
through the methods, a plain write and RPC alike."""

import xmlrpc.client

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .outbox_common import MailCase


class TestAccessMatrix(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="seller_mds",
            password="seller_mds_pw",
            groups="sales_team.group_sale_salesman",
            notification_type="inbox",
        )
        cls.other_seller = new_test_user(
            cls.env,
            login="other_seller_mds",
            groups="sales_team.group_sale_salesman",
            notification_type="inbox",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="accountant_mds",
            groups="account.group_account_invoice",
            notification_type="inbox",
        )
        cls.portal = new_test_user(
            cls.env, login="portal_mds", password="portal_mds_pw", groups="base.group_portal"
        )

    def setUp(self):
        super().setUp()
        self.own = self.make_order(user_id=self.salesperson.id)
        self.other = self.make_order(user_id=self.other_seller.id)
        self.invoice = self.make_invoice()
        for document in (self.own, self.other, self.invoice):
            self.post_document(document, self.customer)
        self.domain = [
            "|",
            "&",
            ("model", "=", "sale.order"),
            ("res_id", "in", (self.own | self.other).ids),
            "&",
            ("model", "=", "account.move"),
            ("res_id", "=", self.invoice.id),
        ]
        self.rows = self.env["mail.delivery.log"].search(self.domain)
        self.assertEqual(len(self.rows), 3)

    def row_of(self, document):
        return self.rows.filtered(lambda row: row.model == document._name and row.res_id == document.id)

    def test_administrator_reads_every_row(self):
        admin = new_test_user(self.env, login="admin_mds", groups="base.group_system")
        self.assertEqual(self.env["mail.delivery.log"].with_user(admin).search(self.domain), self.rows)

    def test_salesperson_reads_rows_of_own_documents_only(self):
        Log = self.env["mail.delivery.log"].with_user(self.salesperson)
        rows = Log.search(self.domain)
        self.assertEqual(rows, self.row_of(self.own))
        self.assertEqual(Log.search_count(self.domain), 1)
        # Grouping (the list's Group By, RPC's read_group) counts the same rows.
        groups = Log.read_group(self.domain, ["res_id"], ["model"])
        self.assertEqual([(g["model"], g["model_count"]) for g in groups], [("sale.order", 1)])
        self.assertEqual(Log._read_group(self.domain, [], ["__count"]), [(1,)])
        self.assertTrue(rows.read(["message_id"])[0]["message_id"].startswith("<"))
        with self.assertRaises(AccessError):
            self.row_of(self.other).with_user(self.salesperson).read(["subject"])
        with self.assertRaises(AccessError):
            self.row_of(self.invoice).with_user(self.salesperson).read(["subject"])
        # The Emails smart button of the document.
        own = self.own.with_user(self.salesperson)
        self.assertEqual(own.email_delivery_log_count, 1)
        self.assertEqual(Log.search(own.action_view_email_delivery_log()["domain"]), rows)
        # Nobody writes the journal, not even on own documents.
        with self.assertRaises(AccessError):
            rows.write({"subject": "Rewritten"})
        with self.assertRaises(AccessError):
            rows.unlink()

    def test_accountant_reads_rows_of_invoices(self):
        Log = self.env["mail.delivery.log"].with_user(self.accountant)
        visible = Log.search(self.domain)
        self.assertIn(self.row_of(self.invoice), visible)
        # Odoo 18 lets billing users read every sale order: their rows too,
        # no more, no less than the documents.
        for order in self.own | self.other:
            readable = order.with_user(self.accountant).has_access("read")
            self.assertEqual(self.row_of(order) in visible, readable, order.name)
        self.assertEqual(Log.search_count(self.domain), len(visible))
        self.assertFalse(
            self.env["mail.delivery.log"]
            .with_user(self.accountant)
            .search([("id", "in", self.rows.ids), ("model", "=", "res.partner")])
        )

    def test_journal_rows_follow_the_document_company(self):
        row = self.row_of(self.own)
        self.assertEqual(row.company_id, self.own.company_id)
        Log = self.env["mail.delivery.log"].with_user(self.salesperson)
        self.assertEqual(Log.search(self.domain), row)
        elsewhere = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        row.write({"company_id": elsewhere.id})
        self.assertFalse(Log.search(self.domain))

    def test_portal_user_has_no_journal_and_no_mail(self):
        with self.assertRaises(AccessError):
            self.env["mail.delivery.log"].with_user(self.portal).search([])
        with self.assertRaises(AccessError):
            self.rows[0].with_user(self.portal).read(["subject"])

    def test_only_administrators_retry_cancel_or_set_the_state(self):
        mail = self.make_mail()
        self.smtp.script("550 5.1.1 User unknown")
        self.send(mail)
        for user in (self.salesperson, self.accountant, self.portal):
            for method in (
                "mark_outgoing",
                "action_retry",
                "cancel",
                "action_retry_send_now",
                "action_send_now",
            ):
                with self.assertRaises(AccessError, msg="%s %s" % (user.login, method)):
                    getattr(mail.with_user(user), method)()
            with self.assertRaises(AccessError, msg=user.login):
                mail.with_user(user).write({"state": "outgoing"})
        # Even where a rule or an ACL would let a user write the mail, the
        # state stays the administrators' (the methods check it themselves).
        with self.assertRaisesRegex(AccessError, "Only administrators"):
            mail.with_user(self.salesperson).sudo(False).mark_outgoing()
        self.assertEqual(mail.state, "exception")

    def test_xmlrpc(self):
        mail = self.make_mail()
        self.smtp.script("550 5.1.1 User unknown")
        self.send(mail)
        db = self.env.cr.dbname
        for login, password in (("seller_mds", "seller_mds_pw"), ("portal_mds", "portal_mds_pw")):
            uid = self.xmlrpc_common.authenticate(db, login, password, {})
            self.assertTrue(uid, login)
            for method, args in (("action_retry", []), ("write", [{"state": "outgoing"}]), ("cancel", [])):
                with self.assertRaises(xmlrpc.client.Fault, msg="%s %s" % (login, method)):
                    self.xmlrpc_object.execute_kw(db, uid, password, "mail.mail", method, [[mail.id], *args])
        uid = self.xmlrpc_common.authenticate(db, "seller_mds", "seller_mds_pw", {})
        ids = self.xmlrpc_object.execute_kw(
            db, uid, "seller_mds_pw", "mail.delivery.log", "search", [self.domain]
        )
        self.assertEqual(ids, self.row_of(self.own).ids)
        self.assertEqual(mail.state, "exception")
