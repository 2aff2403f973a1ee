# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who may read outgoing mails and the delivery journal, retry and cancel,
through the ORM and through XML-RPC, across two companies.

The expected matrix below is the one in readme/DELIVERY.rst. Each cell is
checked both ways; a cell that differs is reported with its row and column,
all cells at once."""

import contextlib
import smtplib
from xmlrpc.client import Fault

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.tests.common import HttpCase, at_install, get_db_name, post_install
from odoo.tools import mute_logger

Y, N = True, False

#: Documents (and their mail and journal rows): the salesperson's own order,
#: another salesperson's order and an invoice in company A, an order of
#: company B; "own mail" is a mail the salesperson created (a send from a
#: list creates the mails as the user).
MAIL_COLUMNS = ("order_own", "order_other", "invoice_a", "order_b", "own_mail")
LOG_COLUMNS = ("order_own", "order_other", "invoice_a", "order_b")

# fmt: off
#: user: ((read mail.mail: *MAIL_COLUMNS), (read journal rows: *LOG_COLUMNS),
#:        retry, cancel, sees the Emails and Delivery journal menus)
MATRIX = {
    #                mail.mail                  journal             retry cancel menu
    #                own other inv_a ord_b mine  own other inv_a ord_b
    "admin_a":       ((Y, Y,    Y,    Y,    Y), (Y, Y,    Y,    N),  Y,    Y,     Y),
    "admin_b":       ((Y, Y,    Y,    Y,    Y), (N, N,    N,    Y),  Y,    Y,     Y),
    "salesperson_a": ((N, N,    N,    N,    Y), (Y, N,    Y,    N),  N,    N,     N),
    "salesperson_b": ((N, N,    N,    N,    N), (N, N,    N,    Y),  N,    N,     N),
    "accountant_a":  ((N, N,    N,    N,    N), (Y, Y,    Y,    N),  N,    N,     N),
    "portal_a":      ((N, N,    N,    N,    N), (N, N,    N,    N),  N,    N,     N),
}
# fmt: on

GROUPS = {
    "admin_a": "base.group_system",
    "admin_b": "base.group_system",
    "salesperson_a": "sales_team.group_sale_salesman",
    "salesperson_b": "sales_team.group_sale_salesman",
    "accountant_a": "account.group_account_invoice",
    "portal_a": "base.group_portal",
}
MENUS = ("mail.menu_mail_mail", "mail_document_send.mail_delivery_log_menu")
MUTED = (
    "odoo.addons.mail_document_send.models.mail_mail",
    "odoo.addons.base.ir.ir_model",
    "odoo.models",
    "odoo.http",
    "odoo.service.model",
)


# The XML-RPC calls are served by the test server, on the test cursor.
@at_install(False)
@post_install(True)
class TestAccessMatrix(HttpCase):
    """Odoo 11's HttpCase gives the test a cursor of its own, which the HTTP
    requests do not see: every step here runs on the registry's test cursor
    (shared with the requests), taken and released around each step so that
    the server is never blocked by the test holding it."""

    @contextlib.contextmanager
    def shared_env(self, uid=SUPERUSER_ID):
        cr = self.registry.cursor()
        try:
            env = api.Environment(cr, uid, {})
            env.clear()
            yield env
            # A TestCursor's commit only moves its savepoint: everything is
            # rolled back when the test ends.
            cr.commit()  # pylint: disable=invalid-commit
        finally:
            cr.close()

    def setUp(self):
        super().setUp()
        with self.shared_env() as env:
            self.ids = self._make_fixture(env)

    def _make_fixture(self, env):
        company_a = env.ref("base.main_company")
        company_b = env["res.company"].create({"name": "Company B (access matrix)"})
        users = {}
        for login, group in GROUPS.items():
            company = company_b if login.endswith("_b") else company_a
            internal = login != "portal_a"
            users[login] = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": login,
                        "login": "mds_%s" % login,
                        "password": "mds_%s" % login,
                        "email": "%s@example.com" % login,
                        "company_id": company.id,
                        "company_ids": [(6, 0, company.ids)],
                        # Technical features (debug mode) for internal
                        # users: even so, only administrators see the menus.
                        "groups_id": [
                            (
                                6,
                                0,
                                (
                                    env.ref(group)
                                    | (env.ref("base.group_no_one") if internal else env.ref(group))
                                ).ids,
                            )
                        ],
                    }
                )
            )
        customer = env["res.partner"].create({"name": "Matrix Customer", "email": "matrix@example.com"})
        product = env.ref("product.product_product_4")

        def order(user, company):
            return env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "company_id": company.id,
                    "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
                }
            )

        revenue = env["account.account"].search(
            [
                ("user_type_id", "=", env.ref("account.data_account_type_revenue").id),
                ("company_id", "=", company_a.id),
            ],
            limit=1,
        )
        documents = {
            "order_own": order(users["salesperson_a"], company_a),
            "order_other": order(users["admin_a"], company_a),
            "invoice_a": env["account.invoice"].create(
                {
                    "partner_id": customer.id,
                    "user_id": users["admin_a"].id,
                    "type": "out_invoice",
                    "account_id": customer.property_account_receivable_id.id,
                    "invoice_line_ids": [
                        (0, 0, {"name": "Thing", "quantity": 1, "price_unit": 10.0, "account_id": revenue.id})
                    ],
                }
            ),
            "order_b": order(users["salesperson_b"], company_b),
        }
        mails, logs = {}, {}
        for key, document in documents.items():
            mail = env["mail.mail"].create(
                {
                    "subject": "Matrix %s" % key,
                    "email_to": "matrix@example.com",
                    "body_html": "<p>Matrix</p>",
                    "model": document._name,
                    "res_id": document.id,
                    "auto_delete": False,
                }
            )
            # A failed attempt, recorded as the queue records one (the SMTP
            # layer is off in HTTP test mode): mail failed, one journal row.
            with mute_logger(*MUTED):
                mail._mds_record_failure(
                    smtplib.SMTPDataError(550, b"5.1.1 User unknown"), mail._mds_start_attempt()
                )
            mails[key] = mail
            logs[key] = env["mail.delivery.log"].search([("mail_id", "=", mail.id)])
            assert len(logs[key]) == 1 and mail.state == "exception", (key, logs[key], mail.state)
        mails["own_mail"] = (
            env["mail.mail"]
            .sudo(users["salesperson_a"])
            .create({"subject": "Own", "email_to": "matrix@example.com", "body_html": "<p>Own</p>"})
        )
        return {
            "users": {login: user.id for login, user in users.items()},
            "mails": {key: mail.id for key, mail in mails.items()},
            "logs": {key: log.id for key, log in logs.items()},
            "documents": {key: (doc._name, doc.id) for key, doc in documents.items()},
            "menus": [env.ref(xmlid).id for xmlid in MENUS],
        }

    # ------------------------------------------------------------------
    # One cell, two channels
    # ------------------------------------------------------------------
    def _orm(self, login, call):
        """call(env) as the user; False when it raises AccessError."""
        with self.shared_env() as env:
            try:
                with mute_logger(*MUTED):
                    return call(env(user=self.ids["users"][login]))
            except AccessError:
                return False

    def _rpc(self, login, model, method, *args, **kwargs):
        """The XML-RPC call as the user; False when refused with an access error."""
        uid = self.ids["users"][login]
        try:
            with mute_logger(*MUTED):
                return self.xmlrpc_object.execute_kw(
                    get_db_name(), uid, "mds_%s" % login, model, method, list(args), kwargs
                )
        except Fault as fault:
            if fault.faultCode == 4:  # AccessError
                return False
            raise

    def _reset_mail(self, key):
        with self.shared_env() as env:
            env["mail.mail"].browse(self.ids["mails"][key]).write({"state": "exception"})

    def _mail_state(self, key):
        with self.shared_env() as env:
            return env["mail.mail"].browse(self.ids["mails"][key]).state

    def can_read(self, channel, login, model, record_id):
        """Found by search AND readable; the two must agree. Reading a real
        field: Odoo 11 answers a read of "id" alone without any check."""
        if channel == "orm":
            found = self._orm(login, lambda env: env[model].search([("id", "=", record_id)]).ids)
            read = self._orm(login, lambda env: env[model].browse(record_id).read(["subject"]))
        else:
            found = self._rpc(login, model, "search", [("id", "=", record_id)])
            read = self._rpc(login, model, "read", [record_id], ["subject"])
        found, read = bool(found), bool(read)
        self.assertEqual(
            found, read, "%s %s: search and read disagree on %s %s" % (channel, login, model, record_id)
        )
        return found

    def can_act_once(self, channel, login, key, method, state):
        """`method` on the mail (or, when None, a plain write of `state`)
        is allowed, and changed the mail's state."""
        self._reset_mail(key)
        mail_id = self.ids["mails"][key]
        if channel == "orm":

            def call(env):
                mail = env["mail.mail"].browse(mail_id)
                return getattr(mail, method)() if method else mail.write({"state": state})

            allowed = self._orm(login, call)
        elif method:
            allowed = self._rpc(login, "mail.mail", method, [mail_id])
        else:
            allowed = self._rpc(login, "mail.mail", "write", [mail_id], {"state": state})
        done = self._mail_state(key) != "exception"
        what = "%s %s %s on %s" % (channel, login, method or "write", key)
        self.assertEqual(bool(allowed), done, "%s: refused but done" % what)
        return bool(allowed)

    def can_act(self, channel, login, method, state):
        """Retry or cancel: every way (the button's method, a plain write of
        the state) on a mail of a document and on a mail the salesperson
        created, which non-administrators may otherwise write; all must
        agree."""
        outcomes = {
            (key, way or "write"): self.can_act_once(channel, login, key, way, state)
            for key in ("order_own", "own_mail")
            for way in (method, None)
        }
        self.assertEqual(len(set(outcomes.values())), 1, "%s %s %s: %s" % (channel, login, method, outcomes))
        return outcomes[("order_own", method)]

    def sees_menus(self, login):
        """What the web client shows in debug mode: a menu whose groups and
        action the user passes, under parents that pass too. Through the
        ORM only: over XML-RPC, ir.ui.menu ignores the debug mode (no HTTP
        request), and what protects the data is the access tested above."""

        # An access error computing them (portal) means no menu at all.
        visible = self._orm(login, lambda env: env["ir.ui.menu"]._visible_menu_ids(debug=True)) or set()
        seen = []
        with self.shared_env() as env:
            for menu in env["ir.ui.menu"].browse(self.ids["menus"]):
                chain = []
                while menu:
                    chain.append(menu.id)
                    menu = menu.parent_id
                seen.append(all(menu_id in visible for menu_id in chain))
        self.assertEqual(len(set(seen)), 1, "%s: Emails and Delivery journal menus differ" % login)
        return seen[0]

    def actual_row(self, channel, login):
        mails = tuple(
            self.can_read(channel, login, "mail.mail", self.ids["mails"][key]) for key in MAIL_COLUMNS
        )
        logs = tuple(
            self.can_read(channel, login, "mail.delivery.log", self.ids["logs"][key]) for key in LOG_COLUMNS
        )
        return (
            mails,
            logs,
            self.can_act(channel, login, "mark_outgoing", "outgoing"),
            self.can_act(channel, login, "cancel", "cancel"),
            self.sees_menus(login) if channel == "orm" else None,
        )

    def assert_matrix(self, channel):
        actual = {login: self.actual_row(channel, login) for login in MATRIX}
        expected = {login: row if channel == "orm" else row[:-1] + (None,) for login, row in MATRIX.items()}
        wrong = [
            "%s: expected %s, got %s" % (login, expected[login], actual[login])
            for login in MATRIX
            if actual[login] != expected[login]
        ]
        self.assertFalse(wrong, "%s access matrix:\n%s" % (channel, "\n".join(wrong)))

    def test_matrix_through_the_orm(self):
        self.assert_matrix("orm")

    def test_matrix_through_xmlrpc(self):
        self.assert_matrix("xmlrpc")

    def test_journal_rows_follow_the_document_company(self):
        with self.shared_env() as env:
            logs = env["mail.delivery.log"].browse(self.ids["logs"].values())
            by_key = {
                key: env["mail.delivery.log"].browse(log_id) for key, log_id in self.ids["logs"].items()
            }
            self.assertEqual(by_key["order_b"].company_id.name, "Company B (access matrix)")
            self.assertEqual(len(logs.mapped("company_id")), 2)
            # A user allowed in both companies sees the rows of the current one.
            admin = env["res.users"].browse(self.ids["users"]["admin_a"])
            admin.write({"company_ids": [(4, by_key["order_b"].company_id.id)]})
            visible = env["mail.delivery.log"].sudo(admin).search([("id", "in", logs.ids)])
            self.assertNotIn(by_key["order_b"], visible)
            admin.write({"company_id": by_key["order_b"].company_id.id})
            env["ir.rule"].clear_caches()
            visible = env["mail.delivery.log"].sudo(admin).search([("id", "in", logs.ids)])
            self.assertEqual(visible, by_key["order_b"])
