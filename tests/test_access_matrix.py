# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may read the delivery journal and act on mails: administrators all;
a salesperson or an accountant the rows of documents they may read; a
portal user nothing. Retry, cancel and the state: administrators only,
through the methods, a plain write and RPC alike. Two companies: what the
addon adds to a document (its delivery state, the filter on it, the Emails
button and the journal) stays within the companies the user works in."""

import xmlrpc.client

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .outbox_common import MailCase

ADMIN_GROUPS = "base.group_system,sales_team.group_sale_manager,account.group_account_manager"


class TestAccessMatrix(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "MDS Company B",
                "country_id": cls.env.ref("base.us").id,
                "currency_id": cls.company_a.currency_id.id,
            }
        )
        cls.env.user.company_ids = [Command.link(cls.company_b.id)]
        # Invoices need a chart of accounts in B (journals, accounts).
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        both = [Command.set((cls.company_a | cls.company_b).ids)]
        cls.admin = new_test_user(
            cls.env,
            login="admin_mds",
            password="admin_mds_pw",
            groups=ADMIN_GROUPS,
            company_id=cls.company_a.id,
            company_ids=both,
        )
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
        cls.seller_all = new_test_user(
            cls.env,
            login="seller_all_mds",
            password="seller_all_mds_pw",
            groups="sales_team.group_sale_salesman_all_leads",
            notification_type="inbox",
            company_id=cls.company_a.id,
        )
        cls.seller_all_ab = new_test_user(
            cls.env,
            login="seller_all_ab_mds",
            password="seller_all_ab_mds_pw",
            groups="sales_team.group_sale_salesman_all_leads",
            notification_type="inbox",
            company_id=cls.company_a.id,
            company_ids=both,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="accountant_mds",
            password="accountant_mds_pw",
            groups="account.group_account_invoice",
            notification_type="inbox",
            company_id=cls.company_a.id,
        )
        cls.accountant_ab = new_test_user(
            cls.env,
            login="accountant_ab_mds",
            password="accountant_ab_mds_pw",
            groups="account.group_account_invoice",
            notification_type="inbox",
            company_id=cls.company_a.id,
            company_ids=both,
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
        self.domain = self.journal_domain(self.own | self.other, self.invoice)
        self.rows = self.env["mail.delivery.log"].search(self.domain)
        self.assertEqual(len(self.rows), 3)

    @staticmethod
    def journal_domain(orders, invoices):
        return [
            "|",
            "&",
            ("model", "=", "sale.order"),
            ("res_id", "in", orders.ids),
            "&",
            ("model", "=", "account.move"),
            ("res_id", "in", invoices.ids),
        ]

    def post_company_b_documents(self):
        """An order and an invoice of company B, emailed; an order of B not."""
        order_b = (
            self.env["sale.order"]
            .with_company(self.company_b)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company_b.id,
                    "order_line": [(0, 0, {"product_id": self.product.id})],
                }
            )
        )
        unsent_b = order_b.copy()
        invoice_b = (
            self.env["account.move"]
            .with_company(self.company_b)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 100.0})],
                }
            )
        )
        invoice_b.action_post()
        self.assertEqual(invoice_b.company_id, self.company_b)
        for document in (order_b, invoice_b):
            self.post_document(document, self.customer)
        self.assertEqual(self.state_of(order_b), "sent")
        self.assertEqual(self.state_of(invoice_b), "sent")
        rows_b = self.env["mail.delivery.log"].search(self.journal_domain(order_b, invoice_b))
        self.assertEqual(rows_b.company_id, self.company_b)
        self.assertEqual(len(rows_b), 2)
        return order_b, unsent_b, invoice_b, rows_b

    def row_of(self, document):
        return self.rows.filtered(lambda row: row.model == document._name and row.res_id == document.id)

    def failed_mail(self):
        """A document's email refused for good by the server: the mail an
        administrator retries or cancels (its message is the document's,
        which stock 18's mail.message rules let the document's managers
        write and delete)."""
        order = self.make_order()
        self.smtp.script("550 5.1.1 User unknown")
        _message, mail = self.post_document(order, self.customer, auto_delete=False)
        self.assertEqual(mail.state, "exception")
        return mail

    def test_administrator_row(self):
        """Every cell of the administrator's row, through the ORM."""
        mail = self.failed_mail()
        Mail = self.env["mail.mail"].with_user(self.admin)
        self.assertEqual(Mail.search([("id", "=", mail.id)]), mail)
        as_admin = mail.with_user(self.admin)
        self.assertEqual(as_admin.read(["state"])[0]["state"], "exception")
        as_admin.write({"email_to": "other@example.com"})
        self.assertEqual(self.stored(mail, "email_to"), "other@example.com")
        as_admin.action_retry()
        self.assertEqual(self.stored(mail, "state", "retry_user_id"), ("outgoing", self.admin))
        as_admin.cancel()
        self.assertEqual(self.stored(mail, "state"), "cancel")
        as_admin.mark_outgoing()
        self.assertEqual(self.stored(mail, "state"), "outgoing")
        as_admin.write({"state": "exception"})
        self.assertEqual(self.stored(mail, "state"), "exception")
        as_admin.unlink()
        self.assertFalse(mail.exists())
        # A mail of no document whose message is someone else's: stock 18's
        # mail.message rules keep its message (subject, body) and its
        # deletion from administrators too; only its own fields are theirs.
        loose = self.make_mail().with_user(self.admin)
        loose.write({"email_to": "other@example.com", "state": "cancel"})
        self.assertEqual(self.stored(loose, "email_to", "state"), ("other@example.com", "cancel"))
        with self.assertRaises(AccessError):
            loose.write({"subject": "Rewritten"})
        with self.assertRaises(AccessError):
            loose.unlink()
        # The journal: every row, read only; delete is the ACL's (the views
        # offer no Delete, RPC does), as the retention cron's is.
        Log = self.env["mail.delivery.log"].with_user(self.admin)
        self.assertEqual(Log.search(self.domain), self.rows)
        self.assertEqual(Log.search_count(self.domain), 3)
        rows = self.rows.with_user(self.admin)
        self.assertEqual(len(rows.read(["subject"])), 3)
        with self.assertRaises(AccessError):
            rows.write({"subject": "Rewritten"})
        with self.assertRaises(AccessError):
            Log.create({"state": "sent", "subject": "Forged"})
        # The delivery state of every document, and its filter.
        for document in (self.own, self.other, self.invoice):
            mine = document.with_user(self.admin)
            self.assertEqual(mine.read(["email_delivery_state"])[0]["email_delivery_state"], "sent")
            self.assertEqual(mine.read(["email_delivery_log_count"])[0]["email_delivery_log_count"], 1)
        orders = self.env["sale.order"].with_user(self.admin)
        self.assertEqual(
            orders.search([("email_delivery_state", "=", "sent"), ("id", "in", (self.own | self.other).ids)]),
            self.own | self.other,
        )
        rows.unlink()
        self.assertFalse(self.env["mail.delivery.log"].search(self.domain))

    def test_administrator_sees_the_companies_they_work_in(self):
        """The journal's company rule binds administrators too; the
        document-readability filter does not (they see every document)."""
        order_b, _unsent_b, invoice_b, rows_b = self.post_company_b_documents()
        domain_b = self.journal_domain(order_b, invoice_b)
        Log = self.env["mail.delivery.log"].with_user(self.admin)
        self.assertEqual(Log.search(domain_b), rows_b)
        self.assertFalse(Log.with_context(allowed_company_ids=[self.company_a.id]).search(domain_b))
        self.assertEqual(
            Log.with_context(allowed_company_ids=[self.company_a.id]).search(self.domain), self.rows
        )

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
        self.assertEqual(own.read(["email_delivery_state"])[0]["email_delivery_state"], "sent")
        with self.assertRaises(AccessError):
            self.other.with_user(self.salesperson).read(["email_delivery_state"])
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
        for user in (self.salesperson, self.seller_all, self.accountant, self.portal):
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
        self.assertEqual(self.stored(mail, "state"), "exception")

    def test_portal_customer_reads_the_state_of_own_documents(self):
        """A portal user reads their own quotation as stock 18 lets them
        (follower): its delivery state is a plain field of it; its journal
        count is not theirs (the journal is internal users' only)."""
        self.own.message_subscribe(partner_ids=self.portal.partner_id.ids)
        mine = self.own.with_user(self.portal)
        self.assertEqual(mine.read(["email_delivery_state"])[0]["email_delivery_state"], "sent")
        with self.assertRaises(AccessError):
            mine.read(["email_delivery_log_count"])
        # Not offered to them at all: a client that lists the fields it may
        # read (fields_get) does not meet a field it is then refused.
        offered = mine.fields_get()
        self.assertIn("email_delivery_state", offered)
        self.assertNotIn("email_delivery_log_count", offered)
        with self.assertRaises(AccessError):
            self.other.with_user(self.portal).read(["email_delivery_state"])

    # ------------------------------------------------------------------
    # Two companies
    # ------------------------------------------------------------------
    def assert_company_a_only(self, user, context, order_b, unsent_b, invoice_b, rows_b):
        """`user` in `context` works in company A only: nothing of B's
        documents, their state or their journal is read or counted."""
        env_user = self.env(user=user, context=dict(self.env.context, **context))
        ids = {
            "sale.order": (self.own | self.other | order_b | unsent_b).ids,
            "account.move": (self.invoice | invoice_b).ids,
        }
        for document in (order_b, unsent_b, invoice_b):
            mine = document.with_env(env_user)
            for field in ("email_delivery_state", "email_delivery_log_count"):
                with self.assertRaises(AccessError, msg="%s %s %s" % (user.login, document, field)):
                    mine.read([field])
        for model, model_ids in ids.items():
            Model = env_user[model]
            for state in ("sent", "none"):
                domain = [("email_delivery_state", "=", state), ("id", "in", model_ids)]
                found = Model.search(domain)
                self.assertFalse(found.filtered(lambda doc: doc.sudo().company_id == self.company_b), domain)
                self.assertEqual(Model.search_count(domain), len(found))
                groups = Model.read_group(domain, ["company_id"], ["company_id"])
                self.assertEqual(
                    [group["company_id"][0] for group in groups], [self.company_a.id] if found else []
                )
            self.assertTrue(Model.search([("email_delivery_state", "=", "sent"), ("id", "in", model_ids)]))
        Log = env_user["mail.delivery.log"]
        domain_b = self.journal_domain(order_b, invoice_b)
        self.assertFalse(Log.search(domain_b))
        self.assertEqual(Log.search_count(domain_b), 0)
        self.assertEqual(Log._read_group(domain_b, [], ["__count"]), [(0,)])
        for document in (order_b, invoice_b):
            # The Emails button's list, were the action reached another way.
            self.assertFalse(Log.search(document.action_view_email_delivery_log()["domain"]))
        with self.assertRaises(AccessError):
            rows_b.with_env(env_user).read(["subject"])

    def assert_companies_a_and_b(self, user, context, order_b, invoice_b, rows_b):
        env_user = self.env(user=user, context=dict(self.env.context, **context))
        for document in (order_b, invoice_b):
            mine = document.with_env(env_user)
            values = mine.read(["email_delivery_state", "email_delivery_log_count"])[0]
            self.assertEqual(
                (values["email_delivery_state"], values["email_delivery_log_count"]), ("sent", 1)
            )
        orders = env_user["sale.order"]
        domain = [("email_delivery_state", "=", "sent"), ("id", "in", (self.other | order_b).ids)]
        self.assertEqual(orders.search(domain), self.other | order_b)
        groups = orders.read_group(domain, ["company_id"], ["company_id"])
        self.assertEqual(
            sorted((group["company_id"][0], group["company_id_count"]) for group in groups),
            sorted([(self.company_a.id, 1), (self.company_b.id, 1)]),
        )
        Log = env_user["mail.delivery.log"]
        self.assertEqual(Log.search(self.journal_domain(order_b, invoice_b)), rows_b)

    def test_company_a_users_see_nothing_of_company_b(self):
        order_b, unsent_b, invoice_b, rows_b = self.post_company_b_documents()
        for user in (self.seller_all, self.accountant):
            self.assert_company_a_only(user, {}, order_b, unsent_b, invoice_b, rows_b)
            # Nor by asking for B in the context (the company switcher's key).
            Log = self.env["mail.delivery.log"].with_user(user)
            both = [self.company_a.id, self.company_b.id]
            with self.assertRaises(AccessError, msg=user.login):
                Log.with_context(allowed_company_ids=both).search(self.journal_domain(order_b, invoice_b))
            with self.assertRaises(AccessError, msg=user.login):
                self.env["sale.order"].with_user(user).with_context(allowed_company_ids=both).search(
                    [("email_delivery_state", "=", "sent")]
                )

    def test_users_of_both_companies_see_both(self):
        order_b, unsent_b, invoice_b, rows_b = self.post_company_b_documents()
        both = [self.company_a.id, self.company_b.id]
        for user in (self.seller_all_ab, self.accountant_ab):
            self.assert_companies_a_and_b(user, {}, order_b, invoice_b, rows_b)
            self.assert_companies_a_and_b(user, {"allowed_company_ids": both}, order_b, invoice_b, rows_b)
            # Company B unticked in the switcher: as a user of A alone.
            self.assert_company_a_only(
                user, {"allowed_company_ids": [self.company_a.id]}, order_b, unsent_b, invoice_b, rows_b
            )

    def test_rows_of_another_company_are_not_counted(self):
        """A row of company B on a document of A (the document changed
        company after its email): the Emails button of a user working in A
        neither lists nor counts it."""
        self.row_of(self.other).write({"company_id": self.company_b.id})
        for user in (self.seller_all_ab, self.accountant_ab):
            in_a = self.other.with_user(user).with_context(allowed_company_ids=[self.company_a.id])
            self.assertEqual(in_a.read(["email_delivery_log_count"])[0]["email_delivery_log_count"], 0)
            Log = in_a.env["mail.delivery.log"]
            self.assertFalse(Log.search(in_a.action_view_email_delivery_log()["domain"]))
            in_ab = self.other.with_user(user).with_context(
                allowed_company_ids=[self.company_a.id, self.company_b.id]
            )
            self.assertEqual(in_ab.read(["email_delivery_log_count"])[0]["email_delivery_log_count"], 1)

    # ------------------------------------------------------------------
    # XML-RPC: the real endpoint of the test server, each role's login
    # ------------------------------------------------------------------
    def rpc_login(self, user):
        password = "%s_pw" % user.login
        uid = self.xmlrpc_common.authenticate(self.env.cr.dbname, user.login, password, {})
        self.assertEqual(uid, user.id, user.login)

        def call(model, method, *args, **kwargs):
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, uid, password, model, method, list(args), kwargs
            )

        return call

    def assert_fault(self, call, model, method, *args, **kwargs):
        with self.assertRaises(xmlrpc.client.Fault, msg="%s %s" % (model, method)) as caught:
            call(model, method, *args, **kwargs)
        return caught.exception

    def readable_rows(self, user):
        """The rows of the documents `user` can read, decided from the
        documents alone (not by the journal's own filter)."""
        return self.rows.filtered(
            lambda row: self.env[row.model].browse(row.res_id).with_user(user).has_access("read")
        )

    def test_xmlrpc(self):
        mail = self.failed_mail()
        mail_methods = (
            ("read", [["state"]]),
            ("search", None),
            ("write", [{"email_to": "other@example.com"}]),
            ("write", [{"state": "outgoing"}]),
            ("action_retry", []),
            ("mark_outgoing", []),
            ("cancel", []),
            ("action_retry_send_now", []),
            ("unlink", []),
        )
        orders = (self.own | self.other).ids
        before = (mail.state, mail.email_to, mail.subject)
        for user in (self.salesperson, self.seller_all, self.accountant, self.portal):
            call = self.rpc_login(user)
            for method, args in mail_methods:
                if args is None:
                    self.assert_fault(call, "mail.mail", method, [("id", "=", mail.id)])
                else:
                    self.assert_fault(call, "mail.mail", method, [mail.id], *args)
            self.assertEqual((mail.state, mail.email_to, mail.subject), before, user.login)
            if user == self.portal:
                self.assert_fault(call, "mail.delivery.log", "search", self.domain)
                self.assert_fault(call, "mail.delivery.log", "read", self.rows.ids, ["subject"])
                self.assert_fault(call, "sale.order", "read", orders, ["email_delivery_state"])
                # Stock lets a portal user search orders: theirs only.
                found = call(
                    "sale.order", "search", [("email_delivery_state", "=", "sent"), ("id", "in", orders)]
                )
                self.assertEqual(found, [])
                continue
            visible = self.readable_rows(user)
            self.assertTrue(visible, user.login)
            self.assertEqual(sorted(call("mail.delivery.log", "search", self.domain)), sorted(visible.ids))
            self.assertEqual(call("mail.delivery.log", "search_count", self.domain), len(visible))
            self.assertEqual(len(call("mail.delivery.log", "read", visible.ids, ["subject"])), len(visible))
            hidden = self.rows - visible
            if hidden:
                self.assert_fault(call, "mail.delivery.log", "read", hidden.ids, ["subject"])
            self.assert_fault(call, "mail.delivery.log", "write", visible.ids, {"subject": "Rewritten"})
            self.assert_fault(call, "mail.delivery.log", "unlink", visible.ids)
            self.assert_fault(call, "mail.delivery.log", "create", {"state": "sent"})
            # The delivery state, on the documents the user can read.
            readable = (self.own | self.other).with_user(user)._filtered_access("read")
            self.assertEqual(
                sorted(
                    call(
                        "sale.order", "search", [("email_delivery_state", "=", "sent"), ("id", "in", orders)]
                    )
                ),
                sorted(readable.ids),
            )
            for order in self.own | self.other:
                if order in readable:
                    values = call("sale.order", "read", order.ids, ["email_delivery_state"])
                    self.assertEqual(values[0]["email_delivery_state"], "sent")
                else:
                    self.assert_fault(call, "sale.order", "read", order.ids, ["email_delivery_state"])
        self.assertEqual(self.rows.exists(), self.rows)

    def test_xmlrpc_administrator(self):
        mail = self.failed_mail()
        call = self.rpc_login(self.admin)
        self.assertEqual(call("mail.mail", "search", [("id", "=", mail.id)]), mail.ids)
        self.assertEqual(call("mail.mail", "read", mail.ids, ["state"])[0]["state"], "exception")
        self.assertTrue(call("mail.mail", "write", mail.ids, {"email_to": "other@example.com"}))
        self.assertEqual(self.stored(mail, "email_to"), "other@example.com")
        self.assertTrue(call("mail.mail", "cancel", mail.ids))
        self.assertEqual(self.stored(mail, "state"), "cancel")
        self.assertTrue(call("mail.mail", "mark_outgoing", mail.ids))
        self.assertEqual(self.stored(mail, "state", "retry_user_id"), ("outgoing", self.admin))
        self.assertTrue(call("mail.mail", "write", mail.ids, {"state": "exception"}))
        # The list's Retry answers True (stock's None cannot go through
        # XML-RPC: the caller got a fault for a retry that was done).
        self.assertTrue(call("mail.mail", "action_retry", mail.ids))
        self.assertEqual(self.stored(mail, "state"), "outgoing")
        self.assertTrue(call("mail.mail", "unlink", mail.ids))
        self.assertFalse(mail.exists())
        self.assertEqual(sorted(call("mail.delivery.log", "search", self.domain)), sorted(self.rows.ids))
        self.assert_fault(call, "mail.delivery.log", "write", self.rows.ids, {"subject": "Rewritten"})
        self.assert_fault(call, "mail.delivery.log", "create", {"state": "sent"})
        values = call("sale.order", "read", (self.own | self.other).ids, ["email_delivery_state"])
        self.assertEqual([value["email_delivery_state"] for value in values], ["sent", "sent"])
        self.assertTrue(call("mail.delivery.log", "unlink", self.rows.ids))
        self.assertFalse(self.rows.exists())

    def test_xmlrpc_two_companies(self):
        order_b, _unsent_b, invoice_b, rows_b = self.post_company_b_documents()
        domain_b = self.journal_domain(order_b, invoice_b)
        a_only = {"context": {"allowed_company_ids": [self.company_a.id]}}
        both = {"context": {"allowed_company_ids": [self.company_a.id, self.company_b.id]}}
        for user, document_b in ((self.seller_all, order_b), (self.accountant, invoice_b)):
            call = self.rpc_login(user)
            model = document_b._name
            self.assert_fault(call, model, "read", document_b.ids, ["email_delivery_state"])
            self.assert_fault(call, model, "read", document_b.ids, ["email_delivery_log_count"])
            found = call(model, "search", [("email_delivery_state", "=", "sent")], **a_only)
            self.assertNotIn(document_b.id, found)
            self.assertFalse(
                call(model, "search", [("id", "=", document_b.id), ("email_delivery_state", "=", "sent")])
            )
            self.assertEqual(call("mail.delivery.log", "search", domain_b), [])
            self.assertEqual(call("mail.delivery.log", "search_count", domain_b), 0)
            self.assert_fault(call, "mail.delivery.log", "read", rows_b.ids, ["subject"])
            self.assert_fault(call, "mail.delivery.log", "search", domain_b, **both)
        for user, document_b in ((self.seller_all_ab, order_b), (self.accountant_ab, invoice_b)):
            call = self.rpc_login(user)
            model = document_b._name
            values = call(
                model, "read", document_b.ids, ["email_delivery_state", "email_delivery_log_count"], **both
            )
            self.assertEqual(
                (values[0]["email_delivery_state"], values[0]["email_delivery_log_count"]), ("sent", 1)
            )
            found = call(
                model, "search", [("id", "=", document_b.id), ("email_delivery_state", "=", "sent")], **both
            )
            self.assertEqual(found, document_b.ids)
            self.assertEqual(
                sorted(call("mail.delivery.log", "search", domain_b, **both)), sorted(rows_b.ids)
            )
            # B unticked: neither B's documents nor their rows.
            self.assert_fault(call, model, "read", document_b.ids, ["email_delivery_state"], **a_only)
            self.assertFalse(
                call(
                    model,
                    "search",
                    [("id", "=", document_b.id), ("email_delivery_state", "=", "sent")],
                    **a_only,
                )
            )
            self.assertEqual(call("mail.delivery.log", "search", domain_b, **a_only), [])
