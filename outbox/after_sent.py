# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What follows a batch's sent mails, once their outcomes are committed,
together for up to 100 of them instead of mail by mail.

Where nobody else extends _postprocess_sent_message, that is stock's
auto-delete: one unlink for the chunk instead of one per mail (a flush of
everything, ir.default's and ir.model.data's cleanups, a DELETE: an eighth
of stock's drain); the envelope was already marked in the outcome. Where
another addon extends it (mass_mailing's traces), the hook chain is called
once for the chunk (the method takes a recordset, as stock's send() calls
it too): its body deletes the auto-delete mails in one unlink. Each mail
carries `sent_hooks_pending` until then: a runner that stopped before
leaves it, and the next queue run calls the hooks for it."""

import logging

import psycopg2

from odoo import fields

from ..delivery import attempt as attempt_rules
from . import hooks

_logger = logging.getLogger(__name__)

#: Sent mails followed up together.
CHUNK = 100


def follow_up(env, mail_ids, success_pids=()):
    """The follow-up of the mails `mail_ids` still sent: a mail retried by
    hand meanwhile is no longer the one that was sent."""
    mails = env["mail.mail"].sudo().browse(mail_ids).exists().filtered(lambda mail: mail.state == "sent")
    pending = mails.filtered("sent_hooks_pending")
    rest = mails
    if pending and hooks.extended_by_others(env, hooks.POSTPROCESS):
        # Its body deletes the auto-delete ones, in one unlink.
        pending._postprocess_sent_message(success_pids=list(success_pids))
        rest -= pending
    if pending:
        env.cr.execute("UPDATE mail_mail SET sent_hooks_pending = NULL WHERE id = ANY(%s)", [pending.ids])
        pending.invalidate_recordset(["sent_hooks_pending"])
    # Stock's auto-delete; the message of a mail that is not a notification
    # goes with it.
    rest.exists().filtered("auto_delete").unlink()


class AfterSent:
    """The batch's sent mails waiting for their follow-up."""

    def __init__(self, env, auto_commit):
        self.env, self.auto_commit = env, auto_commit
        self.ids, self.success_pids = [], set()

    def add(self, mail_id, auto_delete, success_pids):
        """A sent mail; kept only when something follows it."""
        if not (auto_delete or hooks.extended_by_others(self.env, hooks.POSTPROCESS)):
            return
        self.ids.append(mail_id)
        self.success_pids.update(success_pids)

    def flush_when_full(self):
        """Once the outcomes are committed (the batch's commit): the last
        mail added has its outcome in that commit, not before."""
        if len(self.ids) >= CHUNK:
            self.flush()

    def flush(self):
        """With auto_commit in a transaction of its own; should it fail
        (another runner following up the same leftovers), the mails stay,
        sent, for the next queue run."""
        mail_ids, self.ids = self.ids, []
        success_pids, self.success_pids = self.success_pids, set()
        if not mail_ids:
            return
        if not self.auto_commit:
            follow_up(self.env, mail_ids, success_pids)
            return
        try:
            follow_up(self.env, mail_ids, success_pids)
            self.env.cr.commit()  # pylint: disable=invalid-commit
        except psycopg2.Error as exc:
            self.env.cr.rollback()
            _logger.info(
                "Sent mails %s not followed up yet (%s): the next queue run does it", mail_ids[:5], exc
            )


def leftovers(env):
    """Sent mails a runner could not follow up (it stopped between their
    outcome's commit and the chunk's follow-up): done now. Only those sent
    before a dead runner's claims are set aside: a younger one may be in a
    live runner's batch, about to be followed up by it."""
    mails = (
        env["mail.mail"]
        .sudo()
        .search(
            [
                ("state", "=", "sent"),
                "|",
                ("sent_hooks_pending", "=", True),
                ("auto_delete", "=", True),
                ("write_date", "<", attempt_rules.interrupted_before(fields.Datetime.now())),
            ],
            limit=CHUNK * 10,
        )
    )
    if mails:
        follow_up(env, mails.ids, mails.recipient_ids.ids)
