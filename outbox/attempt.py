# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One claimed mail's attempt: each of its emails built and handed to the
server as stock's _send does (an email with no valid recipient skipped, the
others sent), then its one outcome written (outbox/outcome.py).

The outcome is the server's, as the connection recorded it
(delivery/wire.py): an addon above send_email that catches the exception
does not make it a success."""

import logging

import psycopg2

from odoo.addons.base.models.ir_mail_server import IrMailServer

from ..delivery import attempt as attempt_rules
from ..delivery import smtp_failure, wire
from . import exchange
from . import session as sessions
from . import snapshot as snapshots
from .prepare import build

_logger = logging.getLogger(__name__)


class MailAttempt:
    """`batch`: the outbox.batch.Batch running it; `prepared`: the mail as
    read and prepared (outbox.prepare.Prepared); `number`: the attempt's,
    counted by the claim."""

    def __init__(self, batch, mail, prepared, number):
        self.batch, self.mail, self.prepared = batch, mail, prepared
        self.snapshot = dict(prepared.snapshot, attempt=number, runner=attempt_rules.runner_id())
        self.lines = []

    def run(self, session, while_sending=None, later=False):
        """Returns (the session the next mail may use, the success's outcome
        statement when `later` allows to send it with the next claim, else
        None: recorded)."""
        prepared, seen = self.prepared, wire.Attempt()
        try:
            with wire.attempt(seen):
                if self.batch.connect_error is not None:
                    raise self.batch.connect_error
                if prepared.error is not None:
                    raise prepared.error
                message_id, success_pids, stock_failure, refused = self._send_each(
                    session, seen, while_sending
                )
        except (MemoryError, psycopg2.Error):
            raise
        except Exception as exc:  # noqa: BLE001 - the attempt's failure, recorded
            session = self._failed(exc, seen.failure(), session)
            if self.batch.raise_exception:
                raise
            return session, None
        if message_id is None:
            # Stock's checks found no valid recipient in any of its emails.
            self.batch.outcome.failed(
                self.mail, None, self.snapshot, self.lines, found_by_stock=stock_failure
            )
            return session, None
        return session, self._sent(message_id, success_pids, stock_failure, refused, later)

    def _send_each(self, session, seen, while_sending):
        prepared, message_id, success_pids, stock_failure, refused = self.prepared, None, [], None, {}
        built = prepared.built or [None] * len(prepared.emails)
        for index, email in enumerate(prepared.emails):
            message, mailer, lines = built[index] or build(
                self.mail.env, email, prepared.email_from, self.batch.alias_domain_id
            )
            self.lines += lines
            last = index == len(prepared.emails) - 1
            before = len(seen.exchanges)
            try:
                refused.update(
                    exchange.send(
                        mailer, message, session, prepared.mail_server_id, while_sending if last else None
                    )
                )
                self._raise_hidden_failure(seen, before)
            except AssertionError as error:
                if str(error) != IrMailServer.NO_VALID_RECIPIENT:
                    raise
                # As stock: that email skipped, the others sent; what the
                # wire noted of it is settled (a later failure is the mail's).
                del seen.exchanges[before:]
                if not email.get("email_to") and stock_failure != "mail_email_invalid":
                    stock_failure = "mail_email_missing"
                else:
                    stock_failure = "mail_email_invalid"
                _logger.info(
                    "Ignoring invalid recipients for mail.mail %s: %s", self.mail.id, email.get("email_to")
                )
                continue
            message_id = message["Message-Id"]
            if email.get("partner_id"):
                success_pids.append(email["partner_id"])
        return message_id, success_pids, stock_failure, refused

    @staticmethod
    def _raise_hidden_failure(seen, before):
        """An addon above send_email caught the exception and returned: the
        connection's record says what happened."""
        failed = next((record for record in seen.exchanges[before:] if record.exception is not None), None)
        if failed is not None:
            raise failed.exception

    def _sent(self, message_id, success_pids, stock_failure, refused, later):
        outcome, prepared = self.batch.outcome, self.prepared
        if not stock_failure:
            # Its auto-delete and other addons' hooks after sending, with the
            # batch's other sent mails (outbox/after_sent.py).
            self.batch.after_sent.add(self.mail.id, prepared.auto_delete, success_pids)
        _logger.info("mail.mail %s (Message-Id %s) sent", self.mail.id, message_id)
        if later and not stock_failure and not outcome.needs_more_than_statement(self.snapshot, refused):
            return outcome.sent_statement(
                self.mail.id, self.snapshot, message_id, self.lines, prepared.is_notification
            )
        outcome.sent(
            self.mail,
            self.snapshot,
            message_id,
            self.lines,
            prepared.is_notification,
            refused=refused,
            success_pids=success_pids,
            failure_type=stock_failure,
        )
        return None

    def _failed(self, exc, exchange_seen, session):
        """The failed attempt recorded; returns the session the next mail may
        use. `exchange_seen`: what the connection saw (None: it failed before
        any SMTP transaction)."""
        if not self.lines:
            # Failed before a message was built: the attachments as stored
            # are those the attempt would have sent.
            self.lines = snapshots.stored_attachment_lines(self.mail)
        if exchange_seen is not None:
            exc = exchange_seen.exception
        after_end = exchange_seen is not None and exchange_seen.stage == wire.AFTER_END
        if smtp_failure.verdict_lost(exc, after_end):
            reply = smtp_failure.classify(exc)[2]
            _logger.error(
                "mail.mail %s (Message-Id %s): no reply from the server after the whole email was sent (%s): "
                "set aside for review",
                self.mail.id,
                self.snapshot["message_id"],
                reply,
            )
            self.batch.outcome.set_aside(self.mail, self.snapshot, "verdict_lost", reply, self.lines)
            code = None
        else:
            code = self.batch.outcome.failed(
                self.mail, exc, self.snapshot, self.lines, found_by_stock=_stock_sender_failure(exc)
            )
        return sessions.after_failure(session, code)


def _stock_sender_failure(exc):
    """Stock's failure type for a sender its checks refused, as _send sets it."""
    if not isinstance(exc, AssertionError) or not exc.args:
        return None
    if exc.args[0] == IrMailServer.NO_VALID_FROM:
        return "mail_from_invalid"
    if exc.args[0] in (IrMailServer.NO_FOUND_FROM, IrMailServer.NO_FOUND_SMTP_FROM):
        return "mail_from_missing"
    return None
