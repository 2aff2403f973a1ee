# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The queue drain's batch work: the auto-delete of sent mails in one bulk
delete per chunk (stock deletes each mail right after sending it: a flush of
everything, ir.default and ir.model.data cleanups and a DELETE per mail), the
mail server's size limit read once per batch; the guarantees unchanged."""

import datetime
from contextlib import ExitStack
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.addons.base.models.ir_mail_server import IrMailServer as BaseIrMailServer
from odoo.addons.mail.models.mail_mail import MailMail as StockMailMail
from odoo.sql_db import Cursor
from odoo.tests import freeze_time
from odoo.tools import mute_logger

from ..delivery import attempt
from ..outbox import after_sent, hooks
from ..outbox import snapshot as snapshots
from ..outbox.claims import Claims
from ..outbox.outcome import Outcome
from ..outbox.prepare import Preparer
from .common import real_smtp_delivery
from .outbox_common import MUTED, MailCase
from .smtp_server import ACCEPT

PDF = b"%PDF-1.4\n" + b"0" * 5000 + b"\n%%EOF\n"


class TestMailDrain(MailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls.env["sale.order"].create({"partner_id": cls.customer.id})

    def queue(self, count, auto_delete=True):
        Mail = self.env["mail.mail"]
        for number in range(count):
            # The PDF belongs to the document, as a sent quotation's does:
            # stock then checks it against the server's size limit.
            attachment = self.env["ir.attachment"].create(
                {"name": "Q%d.pdf" % number, "raw": PDF, "res_model": "sale.order", "res_id": self.order.id}
            )
            Mail |= Mail.create(
                {
                    "subject": "Quotation %d" % number,
                    "email_from": "sales@example.com",
                    "body_html": "<p>Your quotation.</p>",
                    "recipient_ids": [(4, self.customer.id)],
                    "model": "sale.order",
                    "res_id": self.order.id,
                    "auto_delete": auto_delete,
                    "attachment_ids": [(4, attachment.id)],
                }
            )
        return Mail

    def drain(self):
        """process_email_queue through the real server; the DELETE
        statements on mail_mail and the reads of the server's size limit."""
        counts = {"delete": 0, "max_size": 0}
        real_execute, real_max_size = Cursor.execute, BaseIrMailServer._get_max_email_size

        # Spies: the real methods run, the calls are only counted.
        def counting_execute(cr, query, *args, **kwargs):
            code = getattr(query, "code", query)
            if isinstance(code, str) and code.lstrip().upper().startswith('DELETE FROM "MAIL_MAIL"'):
                counts["delete"] += 1
            return real_execute(cr, query, *args, **kwargs)

        def counting_max_size(server):
            counts["max_size"] += 1
            return real_max_size(server)

        self.env.flush_all()
        with (
            patch.object(Cursor, "execute", counting_execute),
            patch.object(BaseIrMailServer, "_get_max_email_size", counting_max_size),
            real_smtp_delivery(),
        ):
            self.env["mail.mail"].process_email_queue()
        return counts

    def test_sent_auto_delete_mails_go_in_one_delete(self):
        mails = self.queue(6)
        counts = self.drain()
        self.assertEqual(len(self.smtp.received), 6)
        self.assertFalse(mails.exists(), "every sent auto-delete mail is deleted")
        self.assertEqual(counts["delete"], 1, "one DELETE for the batch, not one per mail")
        self.assertEqual(counts["max_size"], 1, "the size limit read once for the batch")
        # The journal outlives them: one sent row per attempt.
        for mail_id in mails.ids:
            rows = self.journal(mail_id)
            self.assertEqual(rows.mapped("state"), ["sent"])
            self.assertRegex(rows.attachments, r"^Q\d\.pdf \| %d bytes" % len(PDF))

    def test_failed_and_kept_mails_are_not_deleted(self):
        kept = self.queue(2, auto_delete=False)
        refused = self.queue(1)
        deleted = self.queue(1)
        # The batch goes in id order: the third mail is refused for good.
        self.smtp.script(ACCEPT, ACCEPT, "554 5.7.1 Message refused", ACCEPT)
        with mute_logger(*MUTED):
            counts = self.drain()
        self.assertEqual(len(self.smtp.received), 3)
        self.assertEqual(counts["delete"], 1)
        self.assertEqual(kept.mapped("state"), ["sent", "sent"])
        self.assertEqual(refused.state, "exception")
        self.assertFalse(deleted.exists())
        self.assertEqual(self.journal(refused.id).mapped("state"), ["failed"])
        self.assertEqual(self.journal(deleted.id).mapped("state"), ["sent"])

    def test_sent_mails_left_behind_are_deleted_by_the_next_run(self):
        """A runner stopped between a mail's committed outcome and the
        batch's bulk delete leaves it sent: the next queue run deletes it,
        as stock would have right after sending it. A sent mail that is not
        auto-deleted stays."""
        left = self.make_mail(auto_delete=True)
        kept = self.make_mail(auto_delete=False)
        (left | kept).write({"state": "sent"})
        self.env.flush_all()
        # Just sent: maybe in a live runner's batch, whose own bulk delete
        # comes; a second delete of the row by this run would make one fail.
        self.process_queue()
        self.assertTrue(left.exists())
        with freeze_time(left.write_date + datetime.timedelta(minutes=11)):
            self.process_queue()
        self.assertFalse(left.exists())
        self.assertTrue(kept.exists())
        self.assertEqual(self.stored(kept, "state"), "sent")

    def test_a_failed_claim_never_costs_the_previous_outcome(self):
        """The next mail is claimed in the round trip and the transaction of
        the previous mail's outcome (one commit per mail): a claim that
        fails (here, for real, another transaction's newer commit on the
        next mail: a serialization failure) is rolled back alone, to its
        savepoint set after the outcome; the outcome is committed."""
        done_id, following_id = self.committed_mails(2)
        cr_a, cr_b = self.own_cursor(), self.own_cursor()
        env_a = api.Environment(cr_a, SUPERUSER_ID, {})
        done, following = env_a["mail.mail"].browse(done_id), env_a["mail.mail"].browse(following_id)
        # Runner A's transaction reads the mail it sent: its snapshot.
        snapshot = dict(snapshots.take(done, 1, snapshots.Documents(env_a), {}), runner="test:1")
        outcome = Outcome(env_a, snapshots.Documents(env_a)).sent_statement(
            done.id, snapshot, done.message_id, [], done.is_notification
        )
        # B (an administrator) changes the next mail and commits.
        env_b = api.Environment(cr_b, SUPERUSER_ID, {})
        env_b["mail.mail"].browse(following_id).write({"email_to": "changed@example.com"})
        env_b.flush_all()
        cr_b.commit()
        with mute_logger("odoo.sql_db"):
            self.assertIsNone(Claims(following).next_with_outcome(following.ids, outcome=outcome))
        cr_a.commit()
        # Committed: the outcome (sent, journaled), and no claim of the next.
        cr_b.execute(
            "SELECT id, state, COALESCE(attempt_count, 0) FROM mail_mail WHERE id = ANY(%s) ORDER BY id",
            [[done_id, following_id]],
        )
        self.assertEqual(cr_b.fetchall(), [(done_id, "sent", 0), (following_id, "outgoing", 0)])
        cr_b.execute("SELECT state, runner FROM mail_delivery_log WHERE mail_id = %s", [done_id])
        self.assertEqual(cr_b.fetchall(), [("sent", "test:1")])
        cr_b.rollback()
        # On a fresh snapshot the next mail is claimed: in flight, attempt 1.
        self.assertEqual(Claims(following).next_with_outcome(following.ids), following)
        cr_a.commit()
        self.assertEqual(
            self.committed_row(cr_b, following_id), (1, attempt.runner_id(), "changed@example.com")
        )


class TestOneEngine(MailCase):
    """Every mail goes through one engine (outbox/): stock's per-mail steps
    called as hooks; where only stock's body would run, the engine does its
    work in fewer round trips; where another addon extends a hook, the hook
    chain runs."""

    def spy_stock(self):
        """Counts of stock's per-mail steps: the engine does
        _postprocess_sent_message's body itself unless another addon extends
        it, and calls _prepare_outgoing_list."""
        counts = {"postprocess": 0, "prepare": 0}
        real_postprocess = StockMailMail._postprocess_sent_message
        real_prepare = StockMailMail._prepare_outgoing_list

        def postprocess(mails, *args, **kwargs):
            counts["postprocess"] += 1
            return real_postprocess(mails, *args, **kwargs)

        def prepare(mail, *args, **kwargs):
            counts["prepare"] += 1
            return real_prepare(mail, *args, **kwargs)

        stack = ExitStack()
        stack.enter_context(patch.object(StockMailMail, "_postprocess_sent_message", postprocess))
        stack.enter_context(patch.object(StockMailMail, "_prepare_outgoing_list", prepare))
        self.addCleanup(stack.close)
        return counts

    def assert_sent_and_journaled(self, mails):
        self.assertEqual(sorted(r.rcpt_tos[0] for r in self.smtp.received), sorted(mails.mapped("email_to")))
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        self.assertFalse(any(mails.mapped("sending_started_date")))
        for mail in mails:
            row = self.journal(mail.id)
            self.assertEqual((row.state, row.attempt, row.message_id), ("sent", 1, mail.message_id))
            self.assertTrue(row.runner)

    def test_stock_hooks_alone_are_done_by_the_engine(self):
        mails = self.make_mail(email_to="a@example.com") | self.make_mail(email_to="b@example.com")
        mails |= self.make_mail(email_to="c@example.com")
        counts = self.spy_stock()
        for hook in (hooks.SEND_EMAIL, hooks.POSTPROCESS, hooks.MAIL_WRITE, hooks.PREPARE):
            self.assertFalse(hooks.extended_by_others(self.env, hook), hook)
        self.process_queue(mails)
        self.assert_sent_and_journaled(mails)
        # Prepared by stock, once each; stock's post-processing done here.
        self.assertEqual(counts, {"postprocess": 0, "prepare": 3})

    def test_hooks_another_addon_extends_are_called(self):
        mails = self.make_mail(email_to="a@example.com") | self.make_mail(email_to="b@example.com")
        counts = self.spy_stock()
        sent_by_send_email = []
        real_send_email = BaseIrMailServer.send_email

        def send_email(server, message, *args, **kwargs):
            sent_by_send_email.append(message["To"])
            return real_send_email(server, message, *args, **kwargs)

        with (
            patch.object(hooks, "extended_by_others", return_value=True),
            patch.object(BaseIrMailServer, "send_email", send_email),
        ):
            self.process_queue(mails)
        self.assert_sent_and_journaled(mails)
        # _postprocess_sent_message's chain once for the batch's sent mails.
        self.assertEqual(counts, {"postprocess": 1, "prepare": 2})
        self.assertEqual(len(sent_by_send_email), 2)
        self.assertFalse(any(mails.mapped("sent_hooks_pending")))

    def test_no_valid_recipient_fails_the_mail_without_raising_as_on_stock(self):
        """Stock's _send skips an email without a valid recipient, even when
        told to raise (auth_signup's invitation to a user whose address is
        invalid: stock's TestMailMessage creates one); the mail fails."""
        mail = self.make_mail(email_to="invalid_email_addr")
        with mute_logger(*MUTED), real_smtp_delivery():
            mail.send(raise_exception=True)
        # Stock's type: the address is no address at all (email_to empty).
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_type),
            ("exception", "recipient", "mail_email_missing"),
        )
        self.assertFalse(self.smtp.attempts)
        self.assertEqual(self.journal(mail.id).mapped("state"), ["failed"])

    def test_a_refusal_after_a_skipped_email_is_the_mails_failure(self):
        """A mail of two emails: the first has no valid recipient (skipped,
        as on stock), the server refuses the second: the mail failed for the
        server's 550, not for the skipped address."""
        mail = self.make_mail(email_to="invalid_email_addr", recipient_ids=[(4, self.customer.id)])
        self.smtp.script("550 5.1.1 <customer@example.com>: Recipient address rejected")
        self.send(mail)
        self.assertEqual(
            (mail.state, mail.failure_class, mail.failure_smtp_code), ("exception", "permanent", 550)
        )

    def test_every_sent_mail_is_followed_up_chunk_after_chunk(self):
        """The follow-up of a full chunk comes once the last mail's outcome
        is committed: a mail whose outcome was still to come was left
        pending (found by make bench: one mailing trace of 100 stayed
        outgoing)."""
        mails = self.make_mail(email_to="a@example.com") | self.make_mail(email_to="b@example.com")
        mails |= self.make_mail(email_to="c@example.com")
        followed = []
        real_postprocess = StockMailMail._postprocess_sent_message

        def postprocess(chunk, *args, **kwargs):
            followed.extend(chunk.ids)
            return real_postprocess(chunk, *args, **kwargs)

        with (
            patch.object(hooks, "extended_by_others", return_value=True),
            patch.object(after_sent, "CHUNK", 2),
            patch.object(StockMailMail, "_postprocess_sent_message", postprocess),
            # A test cannot commit: the commits stand, their order stays.
            patch.object(self.env.cr, "commit", self.env.cr.flush),
        ):
            with mute_logger(*MUTED), real_smtp_delivery():
                mails.send(auto_commit=True)
        self.assertEqual(sorted(followed), mails.ids)
        self.assertFalse(any(self.stored(mail, "sent_hooks_pending") for mail in mails))

    def test_hooks_after_sending_a_runner_left_are_called_by_the_next_run(self):
        """A runner stopped between a mail's committed outcome and its
        follow-up leaves it sent, its follow-up pending: once past the time
        a live runner could still be on it, the next queue run calls the
        other addons' _postprocess_sent_message for it."""
        mail = self.make_mail(auto_delete=False)
        mail.write({"state": "sent", "sent_hooks_pending": True})
        self.env.flush_all()
        counts = self.spy_stock()
        with patch.object(hooks, "extended_by_others", return_value=True):
            self.process_queue()
            self.assertEqual(counts["postprocess"], 0, "maybe in a live runner's batch")
            with freeze_time(mail.write_date + datetime.timedelta(minutes=11)):
                self.process_queue()
        self.assertEqual(counts["postprocess"], 1)
        self.assertFalse(self.stored(mail, "sent_hooks_pending"))

    def test_an_override_outside_stock_counts_as_another_addons(self):
        def hook(*args, **kwargs):
            return True

        stock = type("StockMail", (), {"_send": hook, "__module__": "odoo.addons.mail.models.mail_mail"})
        ours = type(
            "OurMail",
            (stock,),
            {
                "_postprocess_sent_message": hook,
                "__module__": "odoo.addons.mail_document_send.models.mail_mail",
            },
        )
        self.assertFalse(hooks.extended_by_others({"mail.mail": ours()}, hooks.POSTPROCESS))
        for name in ("_postprocess_sent_message", "write", "_prepare_outgoing_list"):
            other = type("OtherMail", (ours,), {name: hook, "__module__": "odoo.addons.mass_mailing.models"})
            self.assertTrue(hooks.extended_by_others({"mail.mail": other()}, ("mail.mail", name)), name)

    def test_a_mail_changed_after_its_chunk_was_read_goes_out_as_changed(self):
        first, second = self.make_mail(email_to="a@example.com"), self.make_mail(email_to="b@example.com")
        real_prepare = Preparer.prepare
        changed = []

        # Someone edits the second mail once its chunk was read, before its
        # claim (another transaction: a later write date).
        def prepare_then_edit(preparer, ids):
            prepared = real_prepare(preparer, ids)
            if second.id in prepared and not changed:
                changed.append(second.id)
                preparer.mails.env.cr.execute(
                    "UPDATE mail_message SET subject = 'Corrected quotation' WHERE id = %s;"
                    " UPDATE mail_mail SET write_date = write_date + interval '1 second' WHERE id = %s",
                    [second.mail_message_id.id, second.id],
                )
                preparer.mails.env.invalidate_all()
            return prepared

        with patch.object(Preparer, "prepare", prepare_then_edit):
            self.process_queue(first | second)
        self.assertEqual(changed, [second.id])
        subjects = {r.rcpt_tos[0]: r.message["Subject"] for r in self.smtp.received}
        self.assertEqual(subjects, {"a@example.com": "Your document", "b@example.com": "Corrected quotation"})

    def test_a_refused_mail_leaves_the_connection_to_the_next(self):
        """After a 550 (smtplib reset the transaction) the batch's connection
        serves the next mail; it was closed and opened again before (Odoo
        18's connection wrapper hid the socket from the check)."""
        refused, following = (
            self.make_mail(email_to="a@example.com"),
            self.make_mail(email_to="b@example.com"),
        )
        self.smtp.script("550 5.7.1 Message rejected")
        connects = []
        real_connect = BaseIrMailServer.connect

        def connect(*args, **kwargs):
            connects.append(1)
            return real_connect(*args, **kwargs)

        with patch.object(BaseIrMailServer, "connect", connect):
            self.process_queue(refused | following)
        self.assertEqual((refused.state, following.state), ("exception", "sent"))
        self.assertEqual(len(connects), 1)
