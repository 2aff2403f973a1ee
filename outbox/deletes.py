# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The auto-delete of a batch's sent mails, in bulk once their outcomes are
committed: one unlink per chunk instead of stock's one per mail (a flush of
everything, ir.default's and ir.model.data's cleanups, a DELETE: an eighth
of stock's drain). Only a cleanup: each outcome and journal row is on
record; what a runner could not delete, the next queue run deletes."""

import logging

import psycopg2

from odoo import fields

from ..delivery import attempt as attempt_rules

_logger = logging.getLogger(__name__)

#: Sent auto-delete mails deleted together.
CHUNK = 100


def unlink_sent(env, mail_ids):
    """Stock's unlink of those still sent and auto-delete: a mail retried by
    hand meanwhile is no longer the one that was sent. The message of a mail
    that is not a notification goes with it, as on stock."""
    mails = env["mail.mail"].sudo().browse(mail_ids).exists()
    mails = mails.filtered(lambda mail: mail.state == "sent" and mail.auto_delete)
    return mails.unlink() if mails else True


class DeferredDeletes:
    def __init__(self, env, auto_commit):
        self.env, self.auto_commit = env, auto_commit
        self.ids = []

    def add(self, mail_id):
        self.ids.append(mail_id)
        if self.auto_commit and len(self.ids) >= CHUNK:
            self.flush()

    def flush(self):
        """With auto_commit in a transaction of its own; should it fail
        (another runner deleting the same leftovers), the mails stay, sent,
        for the next queue run."""
        mail_ids, self.ids = self.ids, []
        if not mail_ids:
            return
        if not self.auto_commit:
            unlink_sent(self.env, mail_ids)
            return
        try:
            unlink_sent(self.env, mail_ids)
            self.env.cr.commit()  # pylint: disable=invalid-commit
        except psycopg2.Error as exc:
            self.env.cr.rollback()
            _logger.info(
                "Sent mails %s not deleted yet (%s): the next queue run deletes them", mail_ids[:5], exc
            )


def delete_leftovers(env):
    """Sent auto-delete mails a runner could not delete (it stopped between
    their outcome's commit and the bulk delete): deleted now. Only those
    sent before a dead runner's claims are set aside: a younger one may be in
    a live runner's batch, about to be deleted by it, and two deletes of one
    row make one of them fail."""
    leftovers = (
        env["mail.mail"]
        .sudo()
        .search(
            [
                ("state", "=", "sent"),
                ("auto_delete", "=", True),
                ("write_date", "<", attempt_rules.interrupted_before(fields.Datetime.now())),
            ],
            limit=CHUNK * 10,
        )
    )
    if leftovers:
        unlink_sent(env, leftovers.ids)
