# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bounces close the loop: a DSN about a document's email, fed to Odoo as
production does (`mail.thread.message_process` with the raw bytes), marks
the document bounced, journals the report and asks the salesperson to act.

The DSNs are the real-format samples of tests/dsn_samples/, rewritten with
the Message-ID of the mail the test really sent and the address it was sent
to (the end-to-end run with a real Postfix is tests/test_postfix_dsn.py)."""

import logging
import uuid

from odoo.tests import new_test_user

from ..delivery.dsn import parse_dsn
from .dsn_fixture import dsn_for
from .outbox_common import MailCase

HOOK_LOGGER = "odoo.addons.mail_document_send.models.mail_thread"


class LogCapture(logging.Handler):
    """The records one logger emits while the block runs (unittest's
    assertLogs caught none of them in Odoo's runner; a handler does)."""

    def __init__(self, name):
        super().__init__(logging.DEBUG)
        self.logger = logging.getLogger(name)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    @property
    def output(self):
        return ["%s:%s" % (r.levelname, r.getMessage()) for r in self.records]

    def __enter__(self):
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)


class TestBounce(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            login="sam_bounce",
            name="Sam Salesperson",
            email="sam.bounce@example.com",
            groups="sales_team.group_sale_salesman",
            notification_type="inbox",
        )

    def bounce_rows(self, record, state=("bounced", "delayed")):
        return self.env["mail.delivery.log"].search(
            [("model", "=", record._name), ("res_id", "=", record.id), ("state", "in", list(state))],
            order="id",
        )

    def receive(self, raw):
        """The bounce as the mail gateway hands it to Odoo."""
        self.env["mail.thread"].message_process(False, raw)
        self.env.invalidate_all()

    def notification_of(self, message, partner):
        return message.notification_ids.filtered(lambda n: n.res_partner_id == partner)

    def test_hard_bounce_marks_the_document_bounced(self):
        order = self.make_order(user_id=self.salesperson.id)
        message, _mails = self.post_document(order, self.customer)
        self.assertEqual(self.state_of(order), "sent")
        self.assertEqual(self.customer.message_bounce, 0)
        messages_before = len(order.message_ids)

        self.receive(dsn_for("postfix_real_refused.eml", message.message_id, self.customer.email))

        self.assertEqual(self.state_of(order), "bounced")
        self.assertIn(order, self.env["sale.order"].search([("email_delivery_state", "=", "bounced")]))
        self.assertNotIn(order, self.env["sale.order"].search([("email_delivery_state", "=", "sent")]))
        (row,) = self.bounce_rows(order)
        self.assertEqual(row.state, "bounced")
        self.assertEqual(row.message_id, message.message_id)
        self.assertEqual(row.recipients, "customer@example.com")
        self.assertEqual((row.dsn_action, row.dsn_status), ("failed", "5.1.1"))
        self.assertEqual(
            row.dsn_diagnostic, "550 5.1.1 <customer@example.com>: Recipient address rejected: User unknown"
        )
        self.assertEqual((row.dsn_reporting_mta, row.dsn_remote_mta), ("mta.mds.test", "127.0.0.1"))
        self.assertFalse(row.failure_smtp_code, "not our outgoing server's reply")
        sent_row = self.env["mail.delivery.log"].search(
            [("message_id", "=", message.message_id), ("state", "=", "sent")]
        )
        self.assertEqual((row.mail_id, row.attempt), (sent_row.mail_id, sent_row.attempt))
        # One note, one to-do for the salesperson, saying why.
        activity = self.failure_activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertIn("refused the email", str(activity.note))
        self.assertIn("User unknown", str(activity.note))
        self.assertEqual(len(order.message_ids), messages_before + 1)
        note = order.message_ids[0]
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn("Check the address customer@example.com", str(note.body))
        # Stock 18's own bookkeeping still happens.
        self.assertEqual(self.customer.message_bounce, 1)
        self.assertEqual(self.notification_of(message, self.customer).notification_status, "bounce")

        # The same DSN delivered twice (a gateway retry): nothing more.
        self.receive(dsn_for("postfix_real_refused.eml", message.message_id, self.customer.email))
        self.assertEqual(len(self.bounce_rows(order)), 1)
        self.assertEqual(len(self.failure_activities(order)), 1)
        self.assertEqual(len(order.message_ids), messages_before + 1)

        # The address fixed, the document sent again: sent, to-do closed.
        self.post_document(order, self.customer)
        self.assertEqual(self.state_of(order), "sent")
        self.assertFalse(self.failure_activities(order))
        self.assertIn("was delivered", str(order.message_ids[0].body))

    def test_soft_bounce_is_journalled_only(self):
        order = self.make_order(user_id=self.salesperson.id)
        message, _mails = self.post_document(order, self.customer)
        messages_before = len(order.message_ids)

        self.receive(dsn_for("postfix_delayed.eml", message.message_id, self.customer.email))

        (row,) = self.bounce_rows(order)
        self.assertEqual((row.state, row.dsn_action, row.dsn_status), ("delayed", "delayed", "4.7.1"))
        self.assertEqual(row.recipients, "customer@example.com")
        self.assertIn("4.7.1", row.dsn_diagnostic)
        self.assertEqual(self.state_of(order), "sent")
        self.assertFalse(self.failure_activities(order))
        self.assertEqual(len(order.message_ids), messages_before)
        # Stock would have counted the warning as a bounce.
        self.assertEqual(self.customer.message_bounce, 0)
        self.assertEqual(self.notification_of(message, self.customer).notification_status, "sent")

        # The server gives up later: the failed DSN follows, bounced.
        self.receive(dsn_for("postfix_expired.eml", message.message_id, self.customer.email))
        self.assertEqual(self.state_of(order), "bounced")
        self.assertEqual(self.bounce_rows(order).mapped("state"), ["delayed", "bounced"])
        self.assertEqual(len(self.failure_activities(order)), 1)

    def test_plain_text_delay_then_failure(self):
        # Exim's and Gmail's plain-text bounces (no report): the delay is a
        # soft bounce stock must not count, the failure a hard one.
        order = self.make_order(user_id=self.salesperson.id)
        message, _mails = self.post_document(order, self.customer)

        self.receive(dsn_for("exim_text_delayed.eml", message.message_id, self.customer.email))

        (row,) = self.bounce_rows(order)
        self.assertEqual((row.state, row.dsn_action, row.dsn_status), ("delayed", "delayed", "4.2.2"))
        self.assertEqual(row.dsn_remote_mta, "mx.busy.example")
        self.assertEqual(self.state_of(order), "sent")
        self.assertEqual(self.customer.message_bounce, 0)

        self.receive(dsn_for("gmail_text_failed.eml", message.message_id, self.customer.email))

        self.assertEqual(self.bounce_rows(order).mapped("state"), ["delayed", "bounced"])
        self.assertEqual(self.bounce_rows(order, ("bounced",)).dsn_status, "5.1.1")
        self.assertEqual(self.state_of(order), "bounced")
        self.assertEqual(len(self.failure_activities(order)), 1)

    def test_one_of_three_recipients_bounces(self):
        order = self.make_order(user_id=self.salesperson.id)
        buyer = self.env["res.partner"].create({"name": "Buyer", "email": "buyer@example.com"})
        gone = self.env["res.partner"].create({"name": "Gone", "email": "gone@example.com"})
        message, mails = self.post_document(order, buyer | gone | self.customer, auto_delete=False)
        self.assertEqual(len(mails), 3)
        self.assertEqual(set(mails.mapped("state")), {"sent"})

        self.receive(dsn_for("postfix_real_refused.eml", message.message_id, gone.email))

        (row,) = self.bounce_rows(order)
        to_gone = mails.filtered(lambda mail: mail.recipient_ids == gone)
        self.assertEqual(
            (row.recipients, row.mail_id, row.state), ("gone@example.com", to_gone.id, "bounced")
        )
        self.assertEqual(self.state_of(order), "bounced")
        self.assertEqual(len(self.failure_activities(order)), 1)
        status = {n.res_partner_id: n.notification_status for n in message.notification_ids}
        self.assertEqual((status[gone], status[buyer], status[self.customer]), ("bounce", "sent", "sent"))
        self.assertEqual((gone.message_bounce, buyer.message_bounce), (1, 0))

        # A copy to another recipient delivered again settles nothing.
        to_buyer = mails.filtered(lambda mail: mail.recipient_ids == buyer)
        to_buyer.mark_outgoing()
        self.send(to_buyer)
        self.assertEqual(self.state_of(order), "bounced")
        self.assertEqual(len(self.failure_activities(order)), 1)
        # The address fixed, that recipient's mail retried: sent, to-do closed.
        gone.email = "back@example.com"
        to_gone.mark_outgoing()
        self.send(to_gone)
        self.assertEqual(self.state_of(order), "sent")
        self.assertFalse(self.failure_activities(order))

    def test_invoice_bounce_from_exchange_online(self):
        # Microsoft 365 rewrote the Message-ID; the sender's one is in
        # X-Microsoft-Original-Message-ID.
        invoice = self.make_invoice()
        invoice.invoice_user_id = self.salesperson
        message, _mails = self.post_document(invoice, self.customer)
        raw = dsn_for("exchange_online_headers.eml", message.message_id, self.customer.email)
        self.assertNotEqual(parse_dsn(raw).original_message_id, message.message_id)

        self.receive(raw)

        self.assertEqual(self.state_of(invoice), "bounced")
        self.assertIn(invoice, self.env["account.move"].search([("email_delivery_state", "=", "bounced")]))
        (row,) = self.bounce_rows(invoice)
        self.assertEqual(row.dsn_status, "5.1.10")
        self.assertEqual(self.failure_activities(invoice).user_id, self.salesperson)

    def test_bounce_of_an_earlier_email_leaves_the_last_one_sent(self):
        order = self.make_order(user_id=self.salesperson.id)
        first, _mails = self.post_document(order, self.customer)
        self.post_document(order, self.customer)

        self.receive(dsn_for("postfix_real_refused.eml", first.message_id, self.customer.email))

        (row,) = self.bounce_rows(order)
        self.assertEqual((row.state, row.message_id), ("bounced", first.message_id))
        self.assertEqual(self.state_of(order), "sent")
        self.assertIn("could not be delivered", str(order.message_ids[0].body))
        self.assertFalse(
            self.failure_activities(order), "no to-do on a document whose last email went through"
        )

    def test_unknown_message_id_changes_nothing(self):
        order = self.make_order(user_id=self.salesperson.id)
        self.post_document(order, self.customer)
        journal = self.env["mail.delivery.log"].search_count([])
        messages_before = len(order.message_ids)
        unknown = "<%s.0.0-openerp-%s-sale.order@elsewhere.example>" % (uuid.uuid4().hex, order.id)

        with LogCapture(HOOK_LOGGER) as logs:
            self.receive(dsn_for("postfix_real_refused.eml", unknown, self.customer.email))

        self.assertIn("no email of ours has that Message-ID, nothing changed", "\n".join(logs.output))
        self.assertEqual(self.env["mail.delivery.log"].search_count([]), journal)
        self.assertEqual(self.state_of(order), "sent")
        self.assertFalse(self.failure_activities(order))
        self.assertEqual(len(order.message_ids), messages_before)

    def test_recipient_the_mail_was_not_sent_to_changes_nothing(self):
        # Anyone can write to the bounce address, and every recipient knows
        # the Message-ID of the mail they got.
        order = self.make_order(user_id=self.salesperson.id)
        stranger = self.env["res.partner"].create({"name": "Stranger", "email": "stranger@example.com"})
        message, _mails = self.post_document(order, self.customer)
        journal = self.env["mail.delivery.log"].search_count([])
        messages_before = len(order.message_ids)

        with LogCapture(HOOK_LOGGER) as logs:
            self.receive(dsn_for("postfix_real_refused.eml", message.message_id, stranger.email))

        self.assertIn("was not sent to stranger@example.com, nothing changed", "\n".join(logs.output))
        self.assertEqual(self.env["mail.delivery.log"].search_count([]), journal)
        self.assertEqual(self.state_of(order), "sent")
        self.assertFalse(self.failure_activities(order))
        self.assertEqual(len(order.message_ids), messages_before)
        self.assertEqual((stranger.message_bounce, self.customer.message_bounce), (0, 0))
        self.assertEqual(self.notification_of(message, self.customer).notification_status, "sent")

    def test_views_show_the_bounced_state(self):
        for xmlid, model, view_type in (
            ("sale.view_order_form", "sale.order", "form"),
            ("sale.view_quotation_tree", "sale.order", "list"),
            ("account.view_move_form", "account.move", "form"),
            ("account.view_out_invoice_tree", "account.move", "list"),
        ):
            arch = self.env[model].get_view(self.env.ref(xmlid).id, view_type)["arch"]
            self.assertIn("email_delivery_state == 'bounced'", arch, xmlid)
        for model in ("sale.order", "account.move"):
            arch = self.env[model].get_view(view_type="search")["arch"]
            self.assertIn('name="email_bounced"', arch, model)
