# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The journal, the classification and the retry marks ride along each send:
they must stay cheap next to what stock Odoo does to send a mail, and the
cost of a mail must not grow with the length of the queue (month-end runs)."""

import hashlib
import logging
from unittest.mock import patch

from odoo.sql_db import Cursor
from odoo.tools import mute_logger

from .common import real_smtp_delivery
from .outbox_common import MUTED, MailCase
from .smtp_server import free_port

_logger = logging.getLogger(__name__)

PDF = b"%PDF-1.4\n" + b"0" * 20000 + b"\n%%EOF\n"
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()
#: SQL queries per sent mail, all of them, in a test's transaction (no
#: commit: the claim and the outcome are not shared there). History: the
#: addon's bookkeeping alone cost 14.7 queries per mail on top of stock's
#: _send, then 11.5; since the mails are read by chunks and a success's
#: outcome is one statement (outbox/), the whole send costs 5.2 here (make
#: bench, committing per mail: 1.5 against stock 18's 20). A new per-mail
#: query must be justified.
QUERIES_PER_MAIL = 6


class TestQueueCost(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls.env["sale.order"].create({"partner_id": cls.customer.id})

    def queue(self, count):
        for number in range(count):
            self.env["mail.mail"].create(
                {
                    "subject": "Quotation %d" % number,
                    "email_from": "sales@example.com",
                    "body_html": "<p>Your quotation.</p>",
                    "recipient_ids": [(4, self.customer.id)],
                    "model": "sale.order",
                    "res_id": self.order.id,
                    "auto_delete": True,
                    "attachment_ids": [(0, 0, {"name": "Q%d.pdf" % number, "raw": PDF})],
                }
            )

    def drain(self, count):
        """Drain a queue of `count` mails through the real SMTP server; SQL
        queries per mail, all of them."""
        self.smtp.reset()
        self.queue(count)
        counts = {"all": 0}
        real_execute = Cursor.execute

        # A spy: the real method runs, the queries are only counted.
        def counting_execute(cr, *args, **kwargs):
            counts["all"] += 1
            return real_execute(cr, *args, **kwargs)

        self.env.flush_all()
        self.env.invalidate_all()
        with patch.object(Cursor, "execute", counting_execute), real_smtp_delivery():
            self.env["mail.mail"].process_email_queue()
        self.assertEqual(len(self.smtp.received), count)
        return counts["all"] / count

    def test_bookkeeping_is_cheap_and_does_not_grow_with_the_queue(self):
        short_all = self.drain(3)
        long_all = self.drain(12)
        _logger.info("queries per mail: %.1f for 3 mails, %.1f for 12", short_all, long_all)
        self.assertLessEqual(
            long_all,
            short_all * 1.1,
            "queries per mail: %.1f for 3 mails, %.1f for 12" % (short_all, long_all),
        )
        self.assertLessEqual(long_all, QUERIES_PER_MAIL, "queries per mail: %.1f" % long_all)
        # What the journal keeps is still all there.
        rows = self.env["mail.delivery.log"].search(
            [("model", "=", "sale.order"), ("res_id", "=", self.order.id)]
        )
        self.assertEqual(len(rows), 15)
        self.assertEqual(set(rows.mapped("state")), {"sent"})
        self.assertEqual(rows.mapped("company_id"), self.order.company_id)
        for row in rows:
            self.assertIn("customer@example.com", row.recipients)
            self.assertRegex(
                row.attachments, r"^Q\d+\.pdf \| %d bytes \| SHA-256 %s$" % (len(PDF), PDF_SHA256)
            )

    def test_journal_lists_the_attachments_of_a_failed_attempt(self):
        """Refused once the message was built, and refused before (no
        server listening): both rows name the attachment and its hash."""
        self.smtp.script("554 5.7.1 Message refused")
        self.queue(1)
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].process_email_queue()
        self.mail_server.smtp_port = free_port()
        mail = self.env["mail.mail"].search([("subject", "=", "Quotation 0"), ("state", "=", "exception")])
        mail.mark_outgoing()
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].process_email_queue()
        rows = self.env["mail.delivery.log"].search([("mail_id", "=", mail.id)], order="id")
        self.assertEqual(rows.mapped("state"), ["failed", "failed"])
        self.assertEqual(rows.mapped("failure_class"), ["permanent", "temporary"])
        for row in rows:
            self.assertEqual(row.attachments, "Q0.pdf | %d bytes | SHA-256 %s" % (len(PDF), PDF_SHA256))
