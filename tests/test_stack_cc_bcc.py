# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The outbox beside OCA's mail_composer_cc_bcc (18.0): the Cc and Bcc
partners of the composer get the document and are journaled; a follower
removed from To is not mailed; every copy shows the To and Cc the user wrote
and no Bcc, also when the queue retries it later (without the composer's
context). Run on the stack database (dev/test.sh, tag mds_stack)."""

import datetime
import email
import email.policy

from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import SmtpCase
from .outbox_common import MUTED
from .test_send_document import DocumentMixin

ALPHA, BETA, DELTA, EPSILON = (
    "alpha@example.com",
    "beta@example.com",
    "delta@example.com",
    "epsilon@example.com",
)


@tagged("post_install", "-at_install", "-standard", "mds_stack")
class TestStackCcBcc(DocumentMixin, SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_documents()
        # Not a skip: on a database without it this stack's run is broken.
        assert "partner_cc_ids" in cls.env["mail.compose.message"]._fields, (
            "mail_composer_cc_bcc is not installed"
        )
        cls.cc = cls.env["res.partner"].create({"name": "Copy Delta", "email": DELTA})
        cls.bcc = cls.env["res.partner"].create({"name": "Hidden Epsilon", "email": EPSILON})

    def compose(self, order):
        """The composer of `order` with the follower Beta removed from To,
        Delta in Cc and Epsilon in Bcc."""
        order.message_subscribe(partner_ids=self.other.ids)
        form = self.order_composer(order)
        form.partner_ids.remove(id=self.other.id)
        composer = form.save()
        composer.partner_cc_ids = self.cc
        composer.partner_bcc_ids = self.bcc
        return composer

    def assert_copy(self, received, address):
        """`received` went to `address` alone, with the document's PDF, and
        shows the To and Cc of the composer, no Bcc."""
        self.assertEqual(received.rcpt_tos, [address])
        self.assertEqual(len(self.pdfs(received)), 1, address)
        message = email.message_from_bytes(received.data, policy=email.policy.SMTP)
        for name, expected in (("To", ("Customer Alpha", ALPHA)), ("Cc", ("Copy Delta", DELTA))):
            self.assertEqual(len(message.get_all(name)), 1, (address, name))
            shown = [(one.display_name, one.addr_spec) for one in message[name].addresses]
            self.assertEqual(shown, [expected], (address, name))
        self.assertIsNone(message["Bcc"], address)
        headers = received.data.decode(errors="replace").split("\r\n\r\n")[0]
        self.assertNotIn(EPSILON, headers, address)
        self.assertNotIn(BETA, headers, address)

    def test_cc_and_bcc_get_the_document_and_a_removed_follower_nothing(self):
        order = self.make_order()
        self.send(self.compose(order))
        self.assertEqual(self.envelope_recipients(), [ALPHA, DELTA, EPSILON])
        for address in (ALPHA, DELTA, EPSILON):
            self.assert_copy(self.mail_to(address), address)
        journal = self.env["mail.delivery.log"].search(
            [("model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertEqual(set(journal.mapped("state")), {"sent"})
        # One row per recipient, naming that recipient only: the Bcc's row
        # is in the journal (internal users), not in the others' rows.
        self.assertEqual(len(journal), 3)
        for address in (ALPHA, DELTA, EPSILON):
            rows = journal.filtered(lambda row, address=address: address in row.recipients)
            self.assertEqual(len(rows), 1, address)
        self.assertNotIn(BETA, " ".join(journal.mapped("recipients")))
        self.assertEqual(self.state_of(order), "sent")

    def test_a_cc_copy_retried_by_the_queue_keeps_its_headers(self):
        order = self.make_order()
        self.smtp.refuse(DELTA, "451 4.2.1 Mailbox busy")
        start = datetime.datetime(2026, 3, 2, 9, 0, 0)
        # The 451 is logged as a warning, on purpose (TestFailureLog).
        with freeze_time(start), mute_logger(*MUTED):
            self.send(self.compose(order))
        self.assertEqual(self.envelope_recipients(), [ALPHA, EPSILON])
        mail = self.env["mail.mail"].search([("res_id", "=", order.id), ("model", "=", "sale.order")])
        waiting = mail.filtered(lambda mail: mail.state == "outgoing")
        self.assertEqual(waiting.recipient_ids, self.cc)
        self.assertEqual(waiting.failure_class, "temporary")
        # Later, from the queue: no composer, no context of it.
        self.smtp.reset()
        with freeze_time(start + datetime.timedelta(hours=1)):
            self.flush_mail_queue()
        self.assertEqual(self.envelope_recipients(), [DELTA])
        self.assert_copy(self.mail_to(DELTA), DELTA)

    def test_a_cc_or_bcc_without_address_is_refused_before_sending(self):
        order = self.make_order()
        composer = self.compose(order)
        nobody = self.env["res.partner"].create({"name": "Copy Without Address"})
        composer.partner_bcc_ids |= nobody
        with self.assertRaises(UserError) as refusal:
            self.send(composer)
        self.assertIn("Copy Without Address", str(refusal.exception))
        self.assertFalse(self.smtp.attempts)

    def state_of(self, record):
        record.invalidate_recordset(["email_delivery_state"])
        return record.email_delivery_state
