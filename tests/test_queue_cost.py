# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The journal, the classification and the retry marks ride along each send:
they must stay almost free next to what stock Odoo does to send a mail, and
the cost of a mail must not grow with the length of the queue (month-end
runs; readme/BENCHMARK.rst has the measurements)."""

import base64
import hashlib
from unittest.mock import patch

from odoo.addons.mail.models.mail_mail import MailMail as StockMailMail
from odoo.addons.mail.models.mail_template import mako_template_env
from odoo.sql_db import Cursor
from odoo.tools import mute_logger

from ..wizard.mail_compose_message import TEMPLATE_FIELDS
from .common import SmtpCase, list_send_context, real_smtp_delivery
from .smtp_server import free_port

PDF = b"%PDF-1.4\n" + b"0" * 20000 + b"\n%%EOF\n"
PDF_SHA256 = hashlib.sha256(PDF).hexdigest()
# The failures below are expected: their WARNING / ERROR lines are noise here.
MUTED = (
    "odoo.addons.mail.models.mail_mail",
    "odoo.addons.mail_document_send.models.mail_mail",
    "odoo.addons.base.ir.ir_mail_server",
)
#: SQL queries per sent mail that this addon adds to stock's (about 37 in
#: this test): state re-read, attempt mark, journal snapshot and row, the
#: failure to-do lookup, plus the queue's own searches spread over the
#: mails. Measured at 16.5 on Odoo 11.0.7 (25.5 before the journal took the
#: attachments from the message built and the snapshot read only the columns
#: it needs); a new per-mail query must be justified.
OWN_QUERIES_PER_MAIL = 17


class TestQueueCost(SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Queue Customer", "email": "queue.customer@example.com"}
        )
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
                    "attachment_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Q%d.pdf" % number,
                                "datas_fname": "Q%d.pdf" % number,
                                "datas": base64.b64encode(PDF),
                            },
                        )
                    ],
                }
            )

    def drain(self, count):
        """Drain a queue of `count` mails through the real SMTP server; SQL
        queries per mail: all of them, and those outside stock's _send."""
        self.smtp.reset()
        self.queue(count)
        counts = {"all": 0, "stock": 0}
        inside_stock = []
        real_execute, real_send = Cursor.execute, StockMailMail._send

        # Spies: the real methods run, the queries are only counted.
        def counting_execute(cr, *args, **kwargs):
            counts["all"] += 1
            counts["stock"] += 1 if inside_stock else 0
            return real_execute(cr, *args, **kwargs)

        def stock_send(mails, *args, **kwargs):
            inside_stock.append(True)
            try:
                return real_send(mails, *args, **kwargs)
            finally:
                inside_stock.pop()

        self.env["mail.mail"].invalidate_cache()
        with patch.object(Cursor, "execute", counting_execute), patch.object(
            StockMailMail, "_send", stock_send
        ), real_smtp_delivery():
            self.env["mail.mail"].with_context(mail_document_send_no_commit=True).process_email_queue()
        self.assertEqual(len(self.smtp.received), count)
        return counts["all"] / count, (counts["all"] - counts["stock"]) / count

    def test_bookkeeping_is_almost_free_and_does_not_grow_with_the_queue(self):
        short_all, _short_own = self.drain(3)
        long_all, long_own = self.drain(12)
        self.assertLessEqual(
            long_all,
            short_all * 1.1,
            "queries per mail: %.1f for 3 mails, %.1f for 12" % (short_all, long_all),
        )
        self.assertLessEqual(long_own, OWN_QUERIES_PER_MAIL, "own queries per mail: %.1f" % long_own)
        # What the journal keeps is still all there.
        rows = self.env["mail.delivery.log"].search(
            [("model", "=", "sale.order"), ("res_id", "=", self.order.id)]
        )
        self.assertEqual(len(rows), 15)
        self.assertEqual(set(rows.mapped("state")), {"sent"})
        self.assertEqual(rows.mapped("company_id"), self.order.company_id)
        for row in rows:
            self.assertIn("queue.customer@example.com", row.recipients)
            self.assertRegex(
                row.attachments, r"^Q\d+\.pdf \| %d bytes \| SHA-256 %s$" % (len(PDF), PDF_SHA256)
            )

    def test_journal_lists_the_attachments_of_a_failed_attempt(self):
        """Refused once the message was built, and refused before (no
        server listening): both rows name the attachment and its hash."""
        self.smtp.reset()
        self.smtp.script("554 5.7.1 Message refused")
        self.queue(1)
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].with_context(mail_document_send_no_commit=True).process_email_queue()
        self.mail_server.smtp_port = free_port()
        mail = self.env["mail.mail"].search([("subject", "=", "Quotation 0"), ("state", "=", "exception")])
        mail.sudo().write({"state": "outgoing"})
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].with_context(mail_document_send_no_commit=True).process_email_queue()
        rows = self.env["mail.delivery.log"].search([("mail_id", "=", mail.id)], order="id")
        self.assertEqual(rows.mapped("state"), ["failed", "failed"])
        self.assertEqual(rows.mapped("failure_type"), ["permanent", "temporary"])
        for row in rows:
            self.assertEqual(row.attachments, "Q0.pdf | %d bytes | SHA-256 %s" % (len(PDF), PDF_SHA256))

    def test_list_send_compiles_each_template_field_once(self):
        """The checks before a send from the list render the template for
        the whole selection at once, not once per document and field."""
        orders = self.env["sale.order"]
        for _number in range(6):
            orders |= self.env["sale.order"].create({"partner_id": self.customer.id})
        context = list_send_context(orders, "mail_document_send.action_sale_order_send_by_email")
        composer = self.env["mail.compose.message"].with_context(**context).create({})
        composer.onchange_template_id_wrapper()
        real_compile = mako_template_env.from_string
        compiled = []

        # A spy: the real compilation runs, only its calls are counted.
        def counting_compile(*args, **kwargs):
            compiled.append(args[0])
            return real_compile(*args, **kwargs)

        with patch.object(mako_template_env, "from_string", counting_compile):
            self.assertEqual(composer._mail_document_send_problems(), [])
        fields = [name for name in TEMPLATE_FIELDS if composer.template_id[name]]
        # Ours (a syntax error must not pass silently) and render_template's.
        self.assertLessEqual(len(compiled), 2 * len(fields))
