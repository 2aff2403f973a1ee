# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mails whose sender died between the in-flight mark and the outcome may
have reached the server: sending them again could deliver twice, dropping
them would lose them. They are set aside, failed, for review."""

import logging

from odoo import fields

from ..delivery import attempt as attempt_rules
from . import snapshot as snapshots
from .outcome import Outcome

_logger = logging.getLogger(__name__)


def flag_interrupted(env):
    """Sets aside the mails in flight for too long; returns them."""
    limit = attempt_rules.interrupted_before(fields.Datetime.now())
    env["mail.mail"].flush_model(["state", "sending_started_date"])
    # Several runners may look at once: the one that locks a mail sets it
    # aside, the others skip it (one note, one journal row).
    env.cr.execute(
        """SELECT id FROM mail_mail
            WHERE state = 'outgoing' AND sending_started_date < %s
            ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
        [limit],
        log_exceptions=False,
    )
    stale = env["mail.mail"].sudo().browse([row[0] for row in env.cr.fetchall()])
    outcome = Outcome(env, snapshots.Documents(env))
    internal_subtypes = {}
    for mail in stale:
        _logger.error(
            "mail.mail %s (Message-Id %s) was interrupted while being sent: set aside for review",
            mail.id,
            mail.message_id,
        )
        snapshot = snapshots.take(mail, mail.attempt_count, outcome.documents, internal_subtypes)
        outcome.set_aside(mail, snapshot, "interrupted")
    return stale
