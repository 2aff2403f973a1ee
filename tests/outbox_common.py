# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers of the outbox tests: mails made and sent through the real SMTP
server, the queue run as the cron runs it, the journal of a mail."""

import base64

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tools import mute_logger

from .common import SmtpCase, real_smtp_delivery

# Failures are logged on purpose (a WARNING per retry, an ERROR per failure
# for good): expected here, and Odoo's runner counts logged errors.
MUTED = (
    "odoo.addons.mail.models.mail_mail",
    "odoo.addons.mail_document_send.models.mail_mail",
    "odoo.addons.mail_document_send.outbox",
    "odoo.addons.base.models.ir_mail_server",
)


class MailCase(SmtpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Outbox Customer", "email": "customer@example.com"}
        )
        cls.product = cls.env.ref("product.product_product_4")
        cls.activity_type = cls.env.ref("mail_document_send.mail_activity_type_email_failed")

    def state_of(self, record):
        """The document's delivery state as the database has it now."""
        record.invalidate_recordset(["email_delivery_state"])
        return record.email_delivery_state

    def failure_activities(self, record):
        """The document's "Email failed" to-dos as the database has them now."""
        record.invalidate_recordset(["activity_ids"])
        return record.activity_ids.filtered(lambda activity: activity.activity_type_id == self.activity_type)

    @staticmethod
    def stored(record, *fnames):
        """`record`'s `fnames` as the database holds them: pending writes
        flushed, the cache dropped, read again (not what a test just wrote
        in the cache)."""
        record.invalidate_recordset(fnames)
        values = tuple(record[fname] for fname in fnames)
        return values[0] if len(values) == 1 else values

    def own_cursor(self):
        """A connection of the test's own, outside its transaction
        (registry.cursor() would be the test's transaction in test mode)."""
        cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        self.addCleanup(cr.rollback)
        return cr

    def committed_mails(self, count):
        """`count` outgoing mails committed to the database, the rows two
        transactions both see; deleted (committed) after the test, with
        their journal rows."""
        cr = self.own_cursor()
        mails = api.Environment(cr, SUPERUSER_ID, {})["mail.mail"].create(
            [
                {"subject": "Committed %d" % n, "email_to": "c@example.com", "auto_delete": False}
                for n in range(count)
            ]
        )
        ids, message_ids = mails.ids, mails.mail_message_id.ids
        # A connection of the test's own, not the test's transaction: what
        # two transactions must both see has to be committed.
        cr.commit()  # pylint: disable=invalid-commit

        def delete():
            cr.rollback()
            cr.execute("DELETE FROM mail_delivery_log WHERE mail_id = ANY(%s)", [ids])
            cr.execute("DELETE FROM mail_mail WHERE id = ANY(%s)", [ids])
            cr.execute("DELETE FROM mail_message WHERE id = ANY(%s)", [message_ids])
            cr.commit()  # pylint: disable=invalid-commit

        self.addCleanup(delete)
        return ids

    @staticmethod
    def committed_row(cr, mail_id):
        cr.rollback()  # a fresh snapshot: what is committed now
        cr.execute(
            "SELECT COALESCE(attempt_count, 0), sending_runner, email_to FROM mail_mail WHERE id = %s",
            [mail_id],
        )
        return cr.fetchone()

    def make_mail(self, **values):
        vals = {
            "subject": "Your document",
            "email_from": "sender@example.com",
            "email_to": "customer@example.com",
            "body_html": "<p>Hello</p>",
            "auto_delete": False,
        }
        vals.update(values)
        return self.env["mail.mail"].create(vals)

    def send(self, mails):
        with mute_logger(*MUTED), real_smtp_delivery():
            mails.send()

    def process_queue(self, mails=None):
        """The cron's entry point; in a test thread it does not commit."""
        with mute_logger(*MUTED), real_smtp_delivery():
            self.env["mail.mail"].process_email_queue(ids=mails.ids if mails else None)

    def journal(self, mail_id):
        return self.env["mail.delivery.log"].search([("mail_id", "=", mail_id)], order="id")

    def make_order(self, partner=None, **values):
        vals = {
            "partner_id": (partner or self.customer).id,
            "order_line": [(0, 0, {"product_id": self.product.id})],
        }
        vals.update(values)
        return self.env["sale.order"].create(vals)

    def make_invoice(self, partner=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_line_ids": [(0, 0, {"name": "Consulting", "quantity": 1, "price_unit": 100.0})],
            }
        )
        invoice.action_post()
        return invoice

    def pdf_of(self, order):
        pdf, _fmt = self.env["ir.actions.report"]._render_qweb_pdf("sale.action_report_saleorder", order.ids)
        return pdf

    def post_document(self, document, partners, auto_delete=True, send=True, attachment=None):
        """A document's email as stock 18 posts it: a comment on the
        document to `partners`, with its PDF. Queued, then sent through the
        real server if `send`."""
        attachments = []
        if attachment is not None:
            attachments = [attachment]
        message = document.with_context(
            mail_notify_force_send=False, mail_post_autofollow=False
        ).message_post(
            body="<p>Your document</p>",
            subject="Document %s" % document.display_name,
            partner_ids=partners.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=attachments,
            mail_auto_delete=auto_delete,
        )
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)], order="id")
        if send:
            self.send(mails)
        return message, mails

    @staticmethod
    def b64(data):
        return base64.b64encode(data)
