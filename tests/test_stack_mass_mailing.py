# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The outbox beside Odoo's mass_mailing (and, on the stack database,
mail_tracking and mail_composer_cc_bcc): a mailing and a document's email
in one queue run; the mailing's traces say what the server said. Run on the
stack database (dev/test.sh, tag mds_stack)."""

import datetime

from odoo.tests import freeze_time, tagged

from .outbox_common import MailCase

MINUTE = datetime.timedelta(minutes=1)


@tagged("post_install", "-at_install", "-standard", "mds_stack")
class TestStackMassMailing(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Not a skip: on a database without it this stack's run is broken.
        assert "mailing.mailing" in cls.env, "mass_mailing is not installed on this database"
        cls.reader = cls.env["res.partner"].create({"name": "Reader", "email": "reader@example.com"})
        cls.gone = cls.env["res.partner"].create({"name": "Gone", "email": "gone@example.com"})
        # Queued, as a mailing over the force-send limit is, for the queue
        # run to send with the document's email.
        cls.env["ir.config_parameter"].sudo().set_param("mail.mail.force.send.limit", 0)

    def queue_mailing(self):
        mailing = self.env["mailing.mailing"].create(
            {
                "name": "Spring news",
                "subject": "Spring news",
                "email_from": "news@example.com",
                "mailing_model_id": self.env["ir.model"]._get("res.partner").id,
                "mailing_domain": [("id", "in", (self.reader | self.gone).ids)],
                "body_html": "<p>News</p>",
                "keep_archives": True,
            }
        )
        mailing.action_send_mail()
        mails = self.env["mail.mail"].sudo().search([("mailing_id", "=", mailing.id)], order="id")
        self.assertEqual(len(mails), 2)
        return mailing, mails

    def trace_of(self, mailing, partner):
        trace = mailing.mailing_trace_ids.filtered(lambda trace: trace.res_id == partner.id)
        trace.invalidate_recordset()
        return trace

    def test_mailing_and_document_in_one_queue_run(self):
        order = self.make_order()
        _message, document_mail = self.post_document(order, self.customer, auto_delete=False, send=False)
        mailing, mailing_mails = self.queue_mailing()
        self.smtp.refuse("gone@example.com")
        self.process_queue(mailing_mails | document_mail)
        received = sorted(mail.rcpt_tos[0] for mail in self.smtp.received)
        self.assertEqual(received, ["customer@example.com", "reader@example.com"])
        # The document's mail: sent, journaled, its badge.
        document_mail.invalidate_recordset()
        self.assertEqual(document_mail.state, "sent")
        self.assertEqual(self.journal(document_mail.id).mapped("state"), ["sent"])
        self.assertEqual(self.state_of(order), "sent")
        # The mailing's traces: the reader's sent, the refused one's in error.
        self.assertEqual(self.trace_of(mailing, self.reader).trace_status, "sent")
        self.assertEqual(self.trace_of(mailing, self.gone).trace_status, "error")
        refused = mailing_mails.filtered(
            lambda mail: mail.email_to == "gone@example.com" or mail.res_id == self.gone.id
        )
        refused.invalidate_recordset()
        self.assertEqual((refused.state, refused.failure_class), ("exception", "permanent"))

    def test_mailing_retried_after_451_ends_sent(self):
        mailing, mails = self.queue_mailing()
        self.smtp.script("451 4.3.0 Try again later", "451 4.3.0 Try again later")
        start = datetime.datetime(2026, 3, 2, 9, 0, 0)
        with freeze_time(start):
            self.process_queue(mails)
        mails.invalidate_recordset()
        self.assertEqual(mails.mapped("state"), ["outgoing", "outgoing"])
        self.assertEqual(mails.mapped("failure_class"), ["temporary", "temporary"])
        with freeze_time(start + 6 * MINUTE):
            self.process_queue(mails)
        mails.invalidate_recordset()
        self.assertEqual(mails.mapped("state"), ["sent", "sent"])
        self.assertEqual(len(self.smtp.received), 2)
        self.assertEqual(set(mailing.mailing_trace_ids.mapped("trace_status")), {"sent"})
