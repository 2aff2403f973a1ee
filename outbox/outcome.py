# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one writer of an attempt's outcome: sent, failed (retried later or
given up), or set aside for review. Each writes the mail, its recipients'
envelope (mail.notification), the journal row, and tells the document.

A success is one SQL statement (the mail sent, its message's Message-ID, the
envelope, the journal row), sent with the next mail's claim in one round
trip; where another addon extends mail.mail's write or
_postprocess_sent_message (outbox/hooks.py), that part goes through the ORM
and the hook chain instead. A failure, rare, goes through the ORM and always
tells the hook chain (mass_mailing's traces)."""

import logging

from odoo import fields

from ..delivery import attempt as attempt_rules
from ..delivery import smtp_failure
from . import hooks, journal, reasons

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS_PARAM = "mail_document_send.max_attempts"

_MESSAGE_ID_SQL = """
    UPDATE mail_message SET message_id = %(message_id)s, write_date = %(now)s, write_uid = %(uid)s
     WHERE id = %(mail_message_id)s AND message_id IS DISTINCT FROM %(message_id)s;"""
_MAIL_SENT_SQL = """
    UPDATE mail_mail
       SET state = 'sent', failure_reason = NULL, failure_type = NULL,
           failure_class = NULL, failure_smtp_code = NULL, failure_smtp_reply = NULL,
           sending_started_date = NULL, sending_runner = NULL, sent_hooks_pending = %(hooks_pending)s,
           write_date = %(now)s, write_uid = %(uid)s
     WHERE id = %(mail_id)s;"""
_ENVELOPE_SENT_SQL = """
    UPDATE mail_notification SET notification_status = 'sent', failure_type = NULL, failure_reason = NULL
     WHERE %(is_notification)s AND mail_mail_id = %(mail_id)s AND notification_type = 'email'
       AND notification_status NOT IN ('sent', 'canceled');"""


class Outcome:
    """Writes the outcomes of a batch's attempts. `documents`: the batch's
    outbox.snapshot.Documents; `failed_documents`: (model, res_id) whose
    failure to-do was opened in this batch, which a later delivery may
    close."""

    def __init__(self, env, documents):
        self.env = env
        self.documents = documents
        self.failed_documents = set()
        self.todo_documents = set()

    # -- success -------------------------------------------------------
    def writes_through_orm(self):
        """Whether a success is written through the ORM's write: another
        addon extends it. (_postprocess_sent_message's chain is called for
        the batch's sent mails together: outbox/after_sent.py.)"""
        return hooks.extended_by_others(self.env, hooks.MAIL_WRITE)

    def hooks_pending(self):
        """Whether a sent mail waits for another addon's
        _postprocess_sent_message (outbox/after_sent.py)."""
        return hooks.extended_by_others(self.env, hooks.POSTPROCESS)

    def sent_statement(self, mail_id, snapshot, message_id, lines, is_notification, envelope=True):
        """A success as one statement (query, parameters), without the parts
        another addon's hook must do (outbox/hooks.py). `envelope`: the
        recipients' envelope marked sent here (not when the hook chain is
        called at once, for a mail some of whose recipients were invalid)."""
        now = fields.Datetime.now()
        query = _MESSAGE_ID_SQL
        if not self.writes_through_orm():
            query += _MAIL_SENT_SQL
        if envelope:
            query += _ENVELOPE_SENT_SQL
        params = dict(
            journal.row(snapshot, "sent", lines),
            now=now,
            uid=self.env.uid,
            message_id=message_id,
            mail_message_id=snapshot["mail_message_id"] or None,
            mail_id=mail_id,
            is_notification=bool(is_notification),
            hooks_pending=(envelope and self.hooks_pending()) or None,
        )
        return query + journal.INSERT, params

    def needs_more_than_statement(self, snapshot, refused):
        """Whether a success needs more than its statement: a recipient
        refused on the way, a to-do of the document to close, a hook of
        another addon to call."""
        key = (snapshot["model"], snapshot["res_id"])
        return bool(
            refused or key in self.todo_documents or key in self.failed_documents or self.writes_through_orm()
        )

    def sent(
        self,
        mail,
        snapshot,
        message_id,
        lines,
        is_notification,
        refused=None,
        success_pids=(),
        failure_type=None,
    ):
        """A success recorded now: the statement, and what it leaves to the
        hook chain, the journal of refused recipients and the document.
        `failure_type`: stock's, when some of its emails had no valid
        recipient (the hook chain marks their envelope failed)."""
        via_hooks = bool(failure_type)
        self.env.flush_all()
        if self.writes_through_orm():
            mail.sudo().write(
                dict(
                    _CLEARED,
                    sent_hooks_pending=not via_hooks and self.hooks_pending(),
                    state="sent",
                    failure_reason=False,
                    failure_type=False,
                    **dict.fromkeys(_FAILURE, False),
                )
            )
            self.env.flush_all()
        statement = self.sent_statement(
            mail.id, snapshot, message_id, lines, is_notification, envelope=not via_hooks
        )
        self.env.cr.execute(*statement)
        # What the ORM holds of these rows is stale.
        self.env.invalidate_all()
        if via_hooks:
            mail.sudo()._postprocess_sent_message(success_pids=list(success_pids), failure_type=failure_type)
        self.refused(snapshot, refused)
        key = (snapshot["model"], snapshot["res_id"])
        if key in self.todo_documents or key in self.failed_documents:
            self.delivered(snapshot)

    def refused(self, snapshot, refused):
        """The recipients the server refused while taking the mail: a
        failed row each in the journal."""
        rows = []
        for address, (code, reply) in (refused or {}).items():
            reply = "%s %s" % (code, reply.decode(errors="replace") if isinstance(reply, bytes) else reply)
            failure_class = smtp_failure.classify_reply(code, reply)
            reason = reasons.failure_sentence(self.env, failure_class, reply)
            rows.append(
                journal.row(
                    dict(snapshot, recipients=address),
                    "failed",
                    failure_class=failure_class,
                    code=code,
                    reply=reply,
                    reason=reason,
                )
            )
        journal.write_rows(self.env, rows)

    def delivered(self, snapshot):
        document = self.documents.of_snapshot(snapshot)
        if document is not None:
            document._mds_email_delivered(snapshot)

    # -- failure -------------------------------------------------------
    def failed(self, mail, exc, snapshot, lines, found_by_stock=None):
        """Classify, schedule a retry or give up, journal; returns the SMTP
        code. `exc` None: stock's checks found no valid recipient
        (`found_by_stock`, its failure type)."""
        if exc is None:
            failure_class, code, reply = smtp_failure.RECIPIENT, None, ""
        else:
            failure_class, code, reply = smtp_failure.classify(exc)
        attempt = snapshot["attempt"]
        max_attempts = attempt_rules.parse_max_attempts(
            self.env["ir.config_parameter"].sudo().get_param(MAX_ATTEMPTS_PARAM)
        )
        state, when = attempt_rules.after_failure(failure_class, attempt, fields.Datetime.now(), max_attempts)
        reason = reasons.failure_reason(self.env, failure_class, reply, state, attempt)
        failure_type = reasons.stock_failure_type(failure_class, code, found_by_stock)
        self._tell_hooks_it_failed(mail, reply or reason, failure_type, keep=exc is not None)
        mail = mail.sudo().exists()
        mail.write(
            dict(
                _CLEARED,
                state=state,
                failure_class=failure_class,
                failure_smtp_code=code or False,
                failure_smtp_reply=reply or False,
                failure_reason=reason,
                failure_type=failure_type,
                scheduled_date=when or False,
            )
        )
        if state == attempt_rules.QUEUED:
            self._retry_scheduled(mail, snapshot, attempt, reply or failure_class, when)
        else:
            self._given_up(mail, snapshot, failure_class, reply, reason, failure_type)
        reason_code = "gave_up" if state == attempt_rules.FAILED else "attempt"
        row = journal.row(
            snapshot, "failed", lines, failure_class, code, reply, reason, reason_code=reason_code
        )
        journal.write_rows(self.env, [row])
        if state == attempt_rules.FAILED:
            self._document_failed(
                snapshot, lambda env: reasons.failure_reason(env, failure_class, reply, state, attempt)
            )
        return code

    def _given_up(self, mail, snapshot, failure_class, reply, reason, failure_type):
        _logger.error(
            "mail.mail %s (Message-Id %s) failed for good after %s attempt(s): %s %s",
            snapshot["mail_id"],
            snapshot["message_id"],
            snapshot["attempt"],
            failure_class,
            reply or "",
        )
        values = {"notification_status": "exception", "failure_reason": reason}
        self.set_envelope(mail, dict(values, failure_type=reasons.notification_failure_type(failure_type)))

    def _retry_scheduled(self, mail, snapshot, attempt, why, when):
        _logger.warning(
            "mail.mail %s (Message-Id %s): attempt %s failed (%s), retry at %s",
            snapshot["mail_id"],
            snapshot["message_id"],
            attempt,
            why,
            when,
        )
        # The hook chain marked the recipients' envelope failed: the mail is
        # in fact queued again.
        self.set_envelope(
            mail, {"notification_status": "ready", "failure_type": False, "failure_reason": False}
        )
        # Due retries go out without waiting for the hourly queue run.
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger(at=when)

    def _tell_hooks_it_failed(self, mail, reason, failure_type, keep):
        """Every _postprocess_sent_message (mass_mailing's traces, the
        envelope) told of the failure. `keep`: a failure at the server, which
        must not make stock delete an auto-delete mail (stock deletes those
        only for an address its own checks found invalid)."""
        if keep and failure_type in ("mail_email_invalid", "mail_email_missing"):
            failure_type = "unknown"
        mail.sudo()._postprocess_sent_message(
            success_pids=[], failure_reason=reason, failure_type=failure_type
        )

    def set_aside(self, mail, snapshot, reason_code, reply=False, lines=None):
        """Failed, flagged for review, never retried by itself: the server
        may have taken the mail (`reason_code`: interrupted, verdict_lost).
        Its reason is worded in each reader's language: the document's note
        in its reader's."""
        reason_in = reasons.SET_ASIDE[reason_code]
        reason = reason_in(self.env)
        mail = mail.sudo().exists()
        mail.write(
            dict(
                _CLEARED,
                state="exception",
                failure_class=smtp_failure.UNKNOWN,
                failure_smtp_code=False,
                failure_smtp_reply=reply or False,
                failure_type="unknown",
                failure_reason=reason,
                scheduled_date=False,
                delivery_review_needed=True,
            )
        )
        self.set_envelope(
            mail, {"notification_status": "exception", "failure_type": "unknown", "failure_reason": reason}
        )
        journal.write_rows(
            self.env,
            [
                journal.row(
                    snapshot,
                    "failed",
                    lines,
                    smtp_failure.UNKNOWN,
                    None,
                    reply,
                    reason,
                    review_needed=True,
                    reason_code=reason_code,
                )
            ],
        )
        self._document_failed(snapshot, reason_in)

    def _document_failed(self, snapshot, reason_in):
        document = self.documents.of_snapshot(snapshot)
        if document is not None:
            document._mds_email_failed(snapshot, reason_in)
            # Its to-do, opened now, is one a later delivery may close.
            self.failed_documents.add((snapshot["model"], snapshot["res_id"]))

    # -- shared --------------------------------------------------------
    def set_envelope(self, mail, values):
        """The chatter envelope of this mail's own recipients only: with one
        mail per recipient, each keeps the outcome of its own mail. Those
        marked sent are included: stock marks them so when send_email
        returned, which an addon catching the exception makes it do."""
        if not mail:
            return
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_mail_id", "in", mail.ids),
                    ("notification_type", "=", "email"),
                    ("notification_status", "!=", "canceled"),
                ]
            )
        )
        if notifications:
            notifications.write(values)
            notifications.mail_message_id._notify_message_notification_update()


#: The in-flight mark, cleared with any outcome.
_MARKS = ("sending_started_date", "sending_runner")
_FAILURE = ("failure_class", "failure_smtp_code", "failure_smtp_reply")
_CLEARED = dict.fromkeys(_MARKS, False)
