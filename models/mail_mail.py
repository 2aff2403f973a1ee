# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools
import logging
import smtplib
import threading

import psycopg2

from odoo import SUPERUSER_ID, api, fields, models, tools
from odoo import modules as odoo_modules
from odoo.addons.base.models.ir_mail_server import MailDeliveryException
from odoo.exceptions import AccessError
from odoo.modules.registry import Registry

from ..delivery import attempt as attempt_rules
from ..delivery import smtp_failure, smtp_send, wire
from ..delivery.attempt import attachment_line
from ..outbox import session as outbox_session
from ..outbox.lane import FastLane
from ..outbox.lane import stock_send_hooks_only as _stock_send_hooks_only
from ..outbox.stock_log import stock_failure_log_muted
from .ir_mail_server import arm_attempt, current_attempt, disarm_attempt
from .mail_delivery_state_mixin import DOCUMENT_MESSAGE_TYPES, FAILED_ACTIVITY_XMLID

_logger = logging.getLogger(__name__)

FAILURE_CLASS_SELECTION = [
    (smtp_failure.TEMPORARY, "Temporary"),
    (smtp_failure.PERMANENT, "Permanent"),
    (smtp_failure.AUTHENTICATION, "Authentication"),
    (smtp_failure.CONFIGURATION, "Configuration"),
    (smtp_failure.RECIPIENT, "Recipient"),
    (smtp_failure.TOO_LARGE, "Too large"),
    (smtp_failure.UNKNOWN, "Unknown"),
]
MAX_ATTEMPTS_PARAM = "mail_document_send.max_attempts"
#: Context key of our per-mail call into the stock _send.
_STOCK_SEND_KEY = "mail_document_send_stock_send"
#: Context key of the queue's run: its claims take only mails that are due.
_QUEUE_KEY = "mail_document_send_queue_run"
#: Claims retried after another transaction changed the mail under ours.
_CLAIM_TRIES = 5
#: Sent auto-delete mails deleted together, once their outcomes are committed.
_DELETE_CHUNK = 100
#: Stock failure types a mail.notification accepts (mail_notification.py:39).
_NOTIFICATION_FAILURE_TYPES = (
    "unknown",
    "mail_email_invalid",
    "mail_email_missing",
    "mail_from_invalid",
    "mail_from_missing",
    "mail_smtp",
)


class MailMail(models.Model):
    _inherit = "mail.mail"

    failure_class = fields.Selection(
        FAILURE_CLASS_SELECTION,
        string="Failure class",
        readonly=True,
        copy=False,
        index=True,
        help="Why the last attempt failed, from the mail server's reply or the connection error.",
    )
    failure_smtp_code = fields.Integer("SMTP code", readonly=True, copy=False)
    failure_smtp_reply = fields.Text("SMTP reply", readonly=True, copy=False)
    attempt_count = fields.Integer("Attempts", readonly=True, copy=False)
    # Stock's scheduled_date under the name this addon gives it: the stock
    # queue already leaves a mail alone until that date.
    next_attempt_date = fields.Datetime(
        "Next attempt",
        related="scheduled_date",
        readonly=True,
        help="When the email will be tried again automatically.",
    )
    sending_started_date = fields.Datetime(
        "Sending since",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set, and committed, before the mail server is given the email; cleared once the outcome is "
        "recorded. Still set later means the sender died mid-flight: the email may have left.",
    )
    sending_runner = fields.Char(
        "Sending runner",
        readonly=True,
        copy=False,
        help="The Odoo process (host:pid) that claimed the email and is sending it; cleared with "
        "Sending since.",
    )
    retry_user_id = fields.Many2one(
        "res.users", "Retried by", readonly=True, copy=False, help="Who last retried it by hand."
    )
    delivery_review_needed = fields.Boolean(
        "Delivery to check",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Sending was interrupted after the mail server may have accepted the email: check with the "
        "recipient before retrying, or it may arrive twice.",
    )
    # The stored reason is written in the language of whoever ran the send
    # (the queue runs as OdooBot, in English): the reader gets it in theirs.
    failure_reason_localized = fields.Text(
        "Failure Reason (your language)", compute="_compute_failure_reason_localized", compute_sudo=False
    )

    @api.depends_context("lang")
    @api.depends("failure_class", "failure_smtp_reply", "state", "attempt_count", "failure_reason")
    def _compute_failure_reason_localized(self):
        for mail in self:
            if mail.failure_class and not mail.delivery_review_needed:
                mail.failure_reason_localized = mail._mds_failure_reason(
                    mail.failure_class, mail.failure_smtp_reply, mail.state, mail.attempt_count
                )
            else:  # stock's own failures, and a send set aside for review
                mail.failure_reason_localized = mail.failure_reason

    # ------------------------------------------------------------------
    # Manual actions: administrators only, through every path
    # ------------------------------------------------------------------
    def _mds_check_admin(self):
        if not (self.env.su or self.env.user._is_superuser() or self.env.user._is_system()):
            raise AccessError(self.env._("Only administrators can retry or cancel emails."))

    def write(self, vals):
        # Stock's ACL already keeps mail.mail to administrators; this keeps
        # it so for the state even if a later rule or ACL opens the model.
        if "state" in vals:
            self._mds_check_admin()
        return super().write(vals)

    def _mds_reset_schedule_values(self):
        return {
            "attempt_count": 0,
            "scheduled_date": False,
            "failure_class": False,
            "failure_smtp_code": False,
            "failure_smtp_reply": False,
            "sending_started_date": False,
            "sending_runner": False,
            "delivery_review_needed": False,
        }

    def mark_outgoing(self):
        """Retry (form, list's Retry through action_retry): the schedule
        starts over, due at once. A mail in flight is left alone: a runner
        holds its claim and may be handing it to the mail server right now;
        clearing its mark would let it be sent twice. Once its outcome is
        recorded (or it is set aside for review), it can be retried."""
        self._mds_check_admin()
        in_flight = self.filtered("sending_started_date")
        if in_flight:
            _logger.info(
                "mail.mail %s being sent by %s: not retried",
                in_flight.ids,
                in_flight.mapped("sending_runner"),
            )
        retried = self - in_flight
        retried.write(dict(self._mds_reset_schedule_values(), retry_user_id=self.env.uid))
        return super(MailMail, retried).mark_outgoing()

    def action_retry(self):
        self._mds_check_admin()
        super().action_retry()
        # Stock's returns None, which XML-RPC cannot send back: the caller
        # got a fault for a retry that was done.
        return True

    def cancel(self):
        self._mds_check_admin()
        self.write({"scheduled_date": False, "sending_started_date": False, "sending_runner": False})
        return super().cancel()

    def action_retry_send_now(self):
        """Retry and send now: the selected failed mails go out at once."""
        self._mds_check_admin()
        self.filtered(lambda mail: mail.state in ("exception", "cancel", "outgoing")).mark_outgoing()
        return self.action_send_now()

    def action_send_now(self):
        """Send at once, with the queue's guarantee: the in-flight mark must
        be committed before the mail server gets the mail, which the click's
        own transaction cannot do. So the mails go out once the click is
        committed, in a cursor of their own (mark committed, SMTP, outcome
        committed, mail by mail)."""
        self._mds_check_admin()
        if getattr(threading.current_thread(), "testing", False):
            self._mds_sendable().send()
            return True
        dbname, ids, context = self.env.cr.dbname, self.ids, dict(self.env.context)

        @self.env.cr.postcommit.add
        def send_committed():
            with Registry(dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, context)
                env["mail.mail"].browse(ids).exists()._mds_sendable().send(auto_commit=True)

        return True

    def _mds_sendable(self):
        """Outgoing mails nobody is sending right now."""
        return self.filtered(lambda mail: mail.state == "outgoing" and not mail.sending_started_date)

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------
    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        """Interrupted sends are set aside first; then stock's selection
        (`mail.mail.queue.batch.size`, the cron's progress), each mail of
        which is claimed by this runner before it is sent (_mds_claim): the
        other runners on the database skip it. Nothing raises out of here:
        Odoo deactivates a cron that keeps failing
        (ir_cron.py MIN_FAILURE_COUNT_BEFORE_DEACTIVATION), which would stop
        every email."""
        if not getattr(threading.current_thread(), "testing", False):
            # A fresh snapshot: what other runners committed is seen, not
            # met as a serialization failure on the first write.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        try:
            with self.env.cr.savepoint():
                self._mds_flag_interrupted()
        except psycopg2.errors.TransactionRollbackError:
            _logger.info("Interrupted sends being set aside by another runner; the queue goes on")
        except Exception:  # noqa: BLE001
            _logger.exception("Could not set interrupted sends aside; the queue goes on")
        try:
            with self.env.cr.savepoint():
                self._mds_delete_sent_leftovers()
        except psycopg2.Error as exc:
            _logger.info("Sent mails left over not deleted (%s); the queue goes on", exc)
        filters = list(self.env.context.get("filters") or [])
        filters.append(("sending_started_date", "=", False))
        return super(MailMail, self.with_context(filters=filters, **{_QUEUE_KEY: True})).process_email_queue(
            ids=ids, batch_size=batch_size
        )

    def send_after_commit(self):
        """Stock sends chatter notifications after the commit, in a new
        cursor, without auto_commit: the in-flight mark would then live in the
        same transaction as the SMTP outcome, and a worker killed in between
        would leave the mail outgoing, to be sent again unnoticed. That cursor
        holds nothing else: commit per mail, as the queue does."""
        if getattr(threading.current_thread(), "testing", False):
            return super().send_after_commit()
        email_ids, dbname, context = self.ids, self.env.cr.dbname, self.env.context

        @self.env.cr.postcommit.add
        def send_emails_with_new_cursor():
            with Registry(dbname).cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, context)
                env["mail.mail"].browse(email_ids).send(auto_commit=True)

    def send(self, auto_commit=False, raise_exception=False, post_send_callback=None):
        """The stock loop, except that a connection failure is classified and
        scheduled, mail by mail, like any other failure."""
        for mail_server_id, alias_domain_id, smtp_from, batch_ids in self._split_by_mail_configuration():
            smtp_session = None
            try:
                smtp_session = self.env["ir.mail_server"].connect(
                    mail_server_id=mail_server_id, smtp_from=smtp_from
                )
            except Exception as exc:  # noqa: BLE001
                if raise_exception:
                    from odoo.addons.base.models.ir_mail_server import MailDeliveryException

                    raise MailDeliveryException(self.env._("Unable to connect to SMTP Server"), exc) from exc
                _logger.info("Cannot connect to mail server %s: %s", mail_server_id, exc)
                self.browse(batch_ids)._mds_send_batch(
                    auto_commit=auto_commit, connect_error=exc, post_send_callback=post_send_callback
                )
            else:
                self.browse(batch_ids)._send(
                    auto_commit=auto_commit,
                    raise_exception=raise_exception,
                    smtp_session=smtp_session,
                    alias_domain_id=alias_domain_id,
                    mail_server=self.env["ir.mail_server"].browse(mail_server_id),
                    post_send_callback=post_send_callback,
                )
            finally:
                if smtp_session:
                    try:
                        smtp_session.quit()
                    except (smtplib.SMTPException, OSError):
                        _logger.info("SMTP session for server %s already closed", mail_server_id)
        return True

    def _send(
        self,
        auto_commit=False,
        raise_exception=False,
        smtp_session=None,
        alias_domain_id=False,
        mail_server=False,
        post_send_callback=None,
    ):
        """Run the stock _send one mail at a time, made to raise, so that the
        exception itself reaches us (stock keeps only its text), with an
        in-flight mark committed before each mail goes to the server."""
        if self.env.context.get(_STOCK_SEND_KEY):
            return super()._send(
                auto_commit=auto_commit,
                raise_exception=raise_exception,
                smtp_session=smtp_session,
                alias_domain_id=alias_domain_id,
                mail_server=mail_server,
                post_send_callback=post_send_callback,
            )
        return self._mds_send_batch(
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            smtp_session=smtp_session,
            alias_domain_id=alias_domain_id,
            mail_server=mail_server,
            post_send_callback=post_send_callback,
        )

    def _mds_send_batch(
        self,
        auto_commit=False,
        raise_exception=False,
        smtp_session=None,
        alias_domain_id=False,
        mail_server=False,
        post_send_callback=None,
        connect_error=None,
    ):
        """The batch, mail by mail; `connect_error`: the batch's connection
        could not be opened, each mail records that failure as its attempt.
        Not a parameter of _send: other overrides of _send (mass_mailing's)
        do not take it."""
        mail_server = mail_server or self.env["ir.mail_server"]
        session, own_sessions = smtp_session, []
        pending = sorted(self.ids)
        # Per batch, not per mail: the auto-delete of the sent mails (one
        # bulk delete per chunk, once their outcome is committed) and the
        # mail server's size limit (ir_mail_server.py).
        outer = (
            getattr(current_attempt, "deferred_deletes", None),
            getattr(current_attempt, "batch_memo", None),
        )
        deferred = current_attempt.deferred_deletes = []
        current_attempt.batch_memo = {}
        claimed = outcome = None
        # `seen`: what each claim found (write date, attempt number).
        seen = {}
        lane = (
            FastLane(self, mail_server, alias_domain_id)
            if connect_error is None and _stock_send_hooks_only(type(self))
            else None
        )
        try:
            while pending:
                # The first mail of the batch nobody else has: claimed, and
                # with auto_commit the claim committed, before anything else
                # (or claimed with the previous mail's outcome, below).
                if claimed is None:
                    claimed = self.browse(pending)._mds_claim_next(auto_commit is True, seen=seen)
                mail = claimed
                claimed = None
                if not mail:
                    break
                pending = [mail_id for mail_id in pending if mail_id > mail.id]
                if session is None and smtp_session is not None and connect_error is None:
                    # The batch's connection broke on an earlier mail: one new
                    # connection for the rest, not a failure for each of them.
                    try:
                        session = self.env["ir.mail_server"].connect(
                            mail_server_id=mail_server.id or None, smtp_from=mail.email_from
                        )
                        own_sessions.append(session)
                    except Exception as exc:  # noqa: BLE001
                        connect_error = exc
                before_claim, attempt = seen.pop(mail.id, (None, None))
                # Without a session of the batch's (a bare _send() call),
                # stock's send_email connects for each mail itself.
                prepared = (
                    lane.take(mail, pending, before_claim)
                    if lane and connect_error is None and session is not None
                    else None
                )
                if prepared is not None:
                    session, outcome = mail._mds_send_prepared(
                        prepared,
                        attempt,
                        session,
                        auto_commit,
                        raise_exception,
                        alias_domain_id,
                        mail_server,
                        while_sending=functools.partial(lane.build_next, pending, session),
                        outcome_later=auto_commit is True and bool(pending),
                    )
                else:
                    # Changed since it was read, or nothing plain about it.
                    session = mail._mds_send_one(
                        session, connect_error, auto_commit, raise_exception, alias_domain_id, mail_server
                    )
                if auto_commit is True:
                    if post_send_callback:
                        post_send_callback([mail.id])
                    if pending:
                        # A failed claim rolls back to its savepoint, set after
                        # the outcome: the outcome stays.
                        claimed = self.browse(pending)._mds_claim_with_outcome(seen=seen, outcome=outcome)
                    outcome = None
                    # One commit per mail: this mail's outcome, and the
                    # next mail's claim, on record before its SMTP exchange.
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                    if len(deferred) >= _DELETE_CHUNK:
                        self._mds_delete_sent(deferred, auto_commit=True)
            # Not after an error (the transaction may be unusable, the
            # caller decides): left over, sent, the next queue run deletes
            # them (_mds_delete_sent_leftovers).
            self._mds_delete_sent(deferred, auto_commit=auto_commit is True)
        finally:
            current_attempt.deferred_deletes, current_attempt.batch_memo = outer
            for own in own_sessions:
                if own is not None:
                    outbox_session.close(own)
        if post_send_callback:
            post_send_callback(self.ids)
        return True

    # ------------------------------------------------------------------
    # The fast lane: stock's per-mail steps on data read by chunks
    # ------------------------------------------------------------------
    def _mds_prepare_lane(self, mail_server):
        """{mail id: what its send needs}, for the mails of a chunk whose
        email stock would build as one message: read together (a few
        queries for the chunk, not a few dozen per mail; each mail's commit
        empties the ORM cache) and prepared by stock's own
        _prepare_outgoing_list. Mails left out (several messages, a
        preparation error) go through the stock path, which records what
        goes wrong. Each entry keeps the write date read: a mail changed
        before its claim is prepared again, by the stock path."""
        lane = {}
        mails = self.exists()
        if not mails:
            return lane
        with_unfollow = mails.filtered(lambda mail: mail.body_html and "/mail/unfollow" in mail.body_html)
        follower_status = (
            self.env["mail.followers"]._get_mail_recipients_follower_status(with_unfollow.ids)
            if with_unfollow
            else None
        )
        documents = {}
        by_model = {}
        for mail in mails:
            if mail.model and mail.res_id and mail.model in self.env:
                by_model.setdefault(mail.model, set()).add(mail.res_id)
        for model, res_ids in by_model.items():
            found = self.env[model].sudo().browse(res_ids).exists()
            documents.update(((model, document.id), document) for document in found)
        todo = self._mds_documents_with_failure_todo(by_model)
        for mail in mails:
            try:
                email_list = mail._prepare_outgoing_list(
                    mail_server=mail_server or mail.mail_server_id,
                    recipients_follower_status=follower_status,
                )
            except Exception:  # noqa: BLE001
                # The stock path meets it again, and records it.
                _logger.info("mail.mail %s left to the stock path", mail.id, exc_info=True)
                continue
            if len(email_list) != 1:
                continue
            emails_from = tools.mail.email_split_and_format_normalize(mail.email_from)
            lane[mail.id] = {
                "write_date": mail.write_date,
                "email": email_list[0],
                "email_from": emails_from[0] if emails_from else mail.email_from,
                "mail_server_id": mail.mail_server_id.id,
                "is_notification": mail.is_notification,
                "auto_delete": mail.auto_delete,
                "snapshot": mail._mds_snapshot(None, documents=documents),
                "document_todo": (mail.model, mail.res_id) in todo,
            }
        current_attempt.document = None
        return lane

    def _mds_documents_with_failure_todo(self, by_model):
        """(model, res_id) of these documents ({model: ids}) with an open
        "email not delivered" to-do, which a delivery may close."""
        activity_type = self.env.ref(FAILED_ACTIVITY_XMLID, raise_if_not_found=False)
        if not activity_type or not by_model:
            return set()
        self.env["mail.activity"].flush_model(["res_model", "res_id", "activity_type_id"])
        self.env.cr.execute(
            "SELECT res_model, res_id FROM mail_activity WHERE activity_type_id = %s AND res_model = ANY(%s)"
            " AND res_id = ANY(%s)",
            [activity_type.id, list(by_model), [res_id for ids in by_model.values() for res_id in ids]],
        )
        return set(self.env.cr.fetchall())

    def _mds_build_prepared(self, prepared, alias_domain_id):
        """Stock's build_email on a prepared mail, with the context stock's
        _send gives it; (message, the ir.mail_server to send it with, the
        journal's attachment lines)."""
        email = dict(prepared["email"])
        email_to_normalized = email.pop("email_to_normalized", [])
        if alias_domain_id:
            alias_domain = self.env["mail.alias.domain"].sudo().browse(alias_domain_id)
            mailer = self.env["ir.mail_server"].with_context(
                domain_notifications_email=alias_domain.default_from_email,
                domain_bounce_address=email["headers"].get("Return-Path") or alias_domain.bounce_email,
                send_validated_to=email_to_normalized,
            )
        else:
            mailer = self.env["ir.mail_server"].with_context(send_validated_to=email_to_normalized)
        message = mailer.build_email(
            email_from=prepared["email_from"],
            email_to=email["email_to"],
            subject=email["subject"],
            body=email["body"],
            body_alternative=email["body_alternative"],
            email_cc=email["email_cc"],
            reply_to=email["reply_to"],
            attachments=email["attachments"],
            message_id=email["message_id"],
            references=email["references"],
            object_id=email["object_id"],
            subtype="html",
            subtype_alternative="plain",
            headers=email["headers"],
        )
        # The bytes put in the message, as build_email's own record of them.
        lines = [attachment_line(name, data) for name, data, *_rest in email["attachments"] or []]
        return message, mailer, lines

    def _mds_send_prepared(
        self,
        prepared,
        attempt,
        session,
        auto_commit,
        raise_exception,
        alias_domain_id,
        mail_server,
        while_sending=None,
        outcome_later=False,
    ):
        """One attempt of a prepared, claimed mail: stock's build_email and
        send_email's steps on what was prepared. The SMTP exchange
        (_mds_smtp_exchange) runs `while_sending` (the next mail's build)
        while the server digests this one: the server's time is not added
        to Odoo's. What stock refuses before the server (an address, the
        sender) goes to the stock path, which records it; a failure at the
        server is recorded as on the stock path. Returns (the session for
        the next mail, the success's outcome statement when `outcome_later`
        and nothing else needs it first, else None: recorded)."""
        snapshot = dict(prepared["snapshot"], attempt=attempt, runner=attempt_rules.runner_id())
        try:
            built = prepared.pop("wire", None) or self._mds_wire_prepared(prepared, alias_domain_id, session)
        except (MemoryError, psycopg2.Error):
            raise
        except Exception:  # noqa: BLE001
            # Refused before the server (no valid recipient or sender, a
            # header that cannot be encoded): the stock path does it again
            # and records it as stock does.
            return (
                self._mds_send_one(session, None, auto_commit, raise_exception, alias_domain_id, mail_server),
                None,
            )
        message_id, lines = built["message_id"], built["lines"]
        refused, seen = {}, wire.Attempt()
        try:
            with wire.attempt(seen):
                # Stock's send_email does not send in a test run but for the
                # tests that lift the flag (tests/common.py real_smtp_delivery).
                if not odoo_modules.module.current_test:
                    refused = self._mds_smtp_exchange(session, built, while_sending)
        except (MemoryError, psycopg2.Error):
            raise
        except Exception as exc:  # noqa: BLE001
            session = self._mds_after_failed_exchange(exc, seen.failure(), snapshot, lines, session)
            if raise_exception:
                raise
            return session, None
        statement = self._mds_sent_statement(snapshot, message_id, lines, prepared["is_notification"])
        memo = current_attempt.batch_memo or {}
        todo = prepared["document_todo"] or (snapshot["model"], snapshot["res_id"]) in memo.get(
            "failed_documents", ()
        )
        if outcome_later and not refused and not todo:
            outcome = statement
        else:
            outcome = None
            self._mds_execute_outcome(statement)
            if refused:
                self._mds_log_refused(snapshot, refused)
            if todo:
                self._mds_document_delivered(snapshot)
        if prepared["auto_delete"]:
            # Deleted with the batch's other sent mails (_mds_send_batch).
            current_attempt.deferred_deletes.append(self.id)
        _logger.info("mail.mail %s (Message-Id %s) sent", self.id, message_id)
        return session, outcome

    def _mds_wire_prepared(self, prepared, alias_domain_id, session):
        """A prepared mail made ready for the wire: built, given its SMTP
        envelope by stock's _prepare_email_message and, in the plain case,
        serialized as smtplib's send_message would (smtp_send.flatten_plain).
        Only smtplib's own connection is driven command by command: what
        stands in for it (the session Odoo's test tools hand out) gets
        send_message, as stock's send_email gives it."""
        message, mailer, lines = self._mds_build_prepared(prepared, alias_domain_id)
        smtp_from, smtp_to_list, message = mailer._prepare_email_message(message, session)
        plain = isinstance(getattr(session, "__obj__", session), smtplib.SMTP)
        return {
            "message": message,
            "message_id": message["Message-Id"],
            "smtp_from": smtp_from,
            "smtp_to_list": smtp_to_list,
            "flat": smtp_send.flatten_plain(message, smtp_from, smtp_to_list) if plain else None,
            "lines": lines,
        }

    def _mds_smtp_exchange(self, session, built, while_sending):
        """send_email's exchange with the server: the message sent up to its
        last byte, `while_sending` run while the server digests it, then the
        server's verdict (delivery/smtp_send.py); smtplib's send_message
        in the unusual case (smtp_send.flatten_plain). A refusal is wrapped
        as send_email wraps it. Returns the recipients the server refused
        while taking the mail."""
        connection = getattr(session, "__obj__", session)
        try:
            with wire.exchange(connection) as record:
                refused, verdict = {}, None
                if built["flat"] is None:
                    refused = session.send_message(
                        built["message"], built["smtp_from"], built["smtp_to_list"]
                    )
                else:
                    verdict = smtp_send.send_until_verdict(
                        session, built["smtp_from"], built["smtp_to_list"], built["flat"]
                    )
                if while_sending:
                    try:
                        while_sending()
                    except Exception:  # noqa: BLE001
                        _logger.info("Preparing the next mail failed: the stock path sends it", exc_info=True)
                refused = verdict() if verdict else refused
                record.refused.update(refused or {})
                return refused
        except smtplib.SMTPServerDisconnected:
            raise
        except Exception as exc:
            text = self.env._(
                "Mail delivery failed via SMTP server '%(server)s'.\n%(exception_name)s: %(message)s",
                server=None,
                exception_name=exc.__class__.__name__,
                message=exc,
            )
            _logger.info(text)
            raise MailDeliveryException(self.env._("Mail Delivery Failed"), text) from exc

    def _mds_sent_statement(self, snapshot, message_id, attachment_lines, is_notification):
        """A success's outcome, as stock's _send and
        _postprocess_sent_message write it (mail sent, its recipients'
        notifications sent) plus this addon's (marks cleared, journal row),
        in one statement (query, parameters): with the next mail's claim,
        one round trip before the mail's commit."""
        query = """
            UPDATE mail_message SET message_id = %(sent_message_id)s, write_date = %(sent_now)s,
                   write_uid = %(sent_uid)s
             WHERE id = %(sent_mail_message_id)s AND message_id IS DISTINCT FROM %(sent_message_id)s;
            UPDATE mail_mail
               SET state = 'sent', failure_reason = NULL,
                   failure_class = NULL, failure_smtp_code = NULL, failure_smtp_reply = NULL,
                   sending_started_date = NULL, sending_runner = NULL,
                   write_date = %(sent_now)s, write_uid = %(sent_uid)s
             WHERE id = %(sent_mail_id)s;
            UPDATE mail_notification
               SET notification_status = 'sent', failure_type = NULL, failure_reason = NULL
             WHERE %(sent_is_notification)s AND mail_mail_id = %(sent_mail_id)s
               AND notification_type = 'email' AND notification_status NOT IN ('sent', 'canceled');
            INSERT INTO mail_delivery_log (
                create_uid, create_date, write_uid, write_date, date, user_id, company_id, model, res_id,
                record_name, is_document_email, mail_message_id, mail_id, message_id, recipients, subject,
                attachments, attempt, state, runner)
            VALUES (
                %(sent_uid)s, %(sent_now)s, %(sent_uid)s, %(sent_now)s, %(sent_now)s, %(sent_user_id)s,
                %(sent_company_id)s, %(sent_model)s, %(sent_res_id)s, %(sent_record_name)s,
                %(sent_is_document_email)s, %(sent_mail_message_id)s, %(sent_mail_id)s,
                %(sent_snapshot_message_id)s, %(sent_recipients)s, %(sent_subject)s, %(sent_attachments)s,
                GREATEST(%(sent_attempt)s, 1 + (
                    SELECT count(*) FROM mail_delivery_log
                     WHERE mail_id = %(sent_mail_id)s AND state IN ('sent', 'failed'))),
                'sent', %(sent_runner)s);
        """
        params = {
            "sent_now": fields.Datetime.now(),
            "sent_uid": self.env.uid,
            "sent_message_id": message_id,
            "sent_mail_id": self.id,
            "sent_is_notification": bool(is_notification),
            "sent_user_id": snapshot["user_id"] or None,
            "sent_company_id": snapshot["company_id"] or None,
            "sent_model": snapshot["model"] or None,
            "sent_res_id": snapshot["res_id"] or None,
            "sent_record_name": snapshot["record_name"] or None,
            "sent_is_document_email": snapshot["is_document_email"],
            "sent_mail_message_id": snapshot["mail_message_id"] or None,
            "sent_snapshot_message_id": snapshot["message_id"] or None,
            "sent_recipients": snapshot["recipients"] or None,
            "sent_subject": snapshot["subject"] or None,
            "sent_attachments": "\n".join(attachment_lines) or None,
            "sent_attempt": snapshot["attempt"] or 0,
            "sent_runner": snapshot["runner"] or None,
        }
        return query, params

    def _mds_execute_outcome(self, statement):
        self.env.flush_all()
        self.env.cr.execute(*statement)
        # What the ORM holds of these rows is stale (without a commit to
        # empty its cache: a send inside a caller's transaction).
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Claims: several runners (cron threads, HTTP workers, servers) on one
    # database never send the same mail
    # ------------------------------------------------------------------
    def _mds_claim(self, limit=None, due=False, states=("outgoing",), seen=None, savepoint=None, before=None):
        """Claim, for this runner, up to `limit` of these mails (the lowest
        ids first) that are outgoing, not in flight and, when `due`, due;
        mails another transaction holds are skipped, not waited for.
        (`states`: every sender claims outgoing mails; a test of two
        runners, which cannot commit, claims the committed failed mails of
        the database, the only rows two transactions of a test both see.)

        One statement takes the row locks (FOR NO KEY UPDATE SKIP LOCKED:
        what an UPDATE takes, without blocking the inserts of rows that
        refer to the mail) and sets the in-flight mark, the runner and the
        attempt count; the caller commits it before the mail server gets the
        mail. A runner that dies after the commit leaves the mark: the mail
        is set aside for review once stale (_mds_flag_interrupted), never
        sent again blindly. Returns the claimed mails; `seen`, a dict, gets
        {id: (write_date before the claim, attempt number)} of each;
        `savepoint`: the name of a savepoint set in the same statement,
        before the claim; `before`: a statement (query, parameters) run
        first, in the same round trip."""
        if not self.ids:
            return self.browse()
        # The claim reads the rows, not the ORM cache: pending writes first.
        self.flush_model()
        now = fields.Datetime.now()
        before_query, before_params = before or ("", {})
        self.env.cr.execute(
            before_query
            + ('SAVEPOINT "%s"; ' % savepoint if savepoint else "")
            # MATERIALIZED: the locking select runs once. As a subquery in
            # FROM the planner may rescan it for each row, and each rescan
            # skips the rows just claimed: LIMIT 1 then claimed them all.
            + """WITH free AS MATERIALIZED (
                     SELECT id, write_date FROM mail_mail
                      WHERE id = ANY(%(ids)s) AND state = ANY(%(states)s) AND sending_started_date IS NULL
                        AND (NOT %(due)s OR scheduled_date IS NULL OR scheduled_date <= %(now)s)
                      ORDER BY id LIMIT %(limit)s
                      FOR NO KEY UPDATE SKIP LOCKED)
               UPDATE mail_mail AS mail
                  SET sending_started_date = %(now)s, sending_runner = %(runner)s,
                      attempt_count = COALESCE(mail.attempt_count, 0) + 1,
                      write_date = %(now)s, write_uid = %(uid)s
                 FROM free
                WHERE mail.id = free.id
            RETURNING mail.id, free.write_date, mail.attempt_count""",
            dict(
                before_params,
                now=now,
                runner=attempt_rules.runner_id(),
                uid=self.env.uid,
                ids=list(self.ids),
                due=bool(due),
                limit=limit,
                states=list(states),
            ),
            log_exceptions=False,
        )
        rows = self.env.cr.fetchall()
        if seen is not None:
            seen.update((mail_id, (write_date, attempt)) for mail_id, write_date, attempt in rows)
        claimed = self.browse(sorted(row[0] for row in rows))
        claimed.invalidate_recordset(
            ["sending_started_date", "sending_runner", "attempt_count", "write_date", "write_uid"]
        )
        return claimed

    def _mds_claim_next(self, auto_commit, seen=None):
        """The first of these mails this runner may send, claimed (and, with
        `auto_commit`, committed), or an empty recordset. Only due mails when
        called from the queue; Send now and the send after a chatter post
        take what they are given.

        Odoo's transactions are REPEATABLE READ: when another runner's claim
        or outcome was committed after this transaction's snapshot, the claim
        fails with a serialization error instead of skipping the row. With
        auto_commit nothing is pending here: roll back and claim again on a
        fresh snapshot. Inside a caller's transaction (no auto_commit) the
        error goes up, as stock's own write on the mail would: Odoo retries
        the request or the cron job, which then finds the mail taken."""
        due = bool(self.env.context.get(_QUEUE_KEY))
        if not auto_commit:
            return self._mds_claim(limit=1, due=due, seen=seen)
        for _try in range(_CLAIM_TRIES):
            self.env.cr.commit()  # pylint: disable=invalid-commit
            try:
                claimed = self._mds_claim(limit=1, due=due, seen=seen)
            except psycopg2.errors.TransactionRollbackError:
                self.env.cr.rollback()
                continue
            self.env.cr.commit()  # pylint: disable=invalid-commit
            return claimed
        _logger.info(
            "mail.mail %s: no claim after %s tries, left to the next run", self.ids[:1], _CLAIM_TRIES
        )
        return self.browse()

    def _mds_claim_with_outcome(self, seen=None, outcome=None):
        """The next mail's claim, in the transaction of the previous mail's
        outcome: one commit per mail instead of two. The claim may meet
        another runner's newer commit (REPEATABLE READ): then only the claim
        is rolled back (savepoint), the outcome is committed all the same,
        and None says to claim again on a fresh snapshot (_mds_claim_next,
        in a transaction of its own, as before). Whatever the claim meets,
        it never costs the outcome its commit. `outcome`: the previous
        mail's outcome statement, sent with the claim (one round trip)."""
        due = bool(self.env.context.get(_QUEUE_KEY))
        # Not cr.savepoint(): its flush and RELEASE are two more round trips
        # per mail, and the commit that follows releases the savepoint.
        self.env.flush_all()
        try:
            claimed = self._mds_claim(limit=1, due=due, seen=seen, savepoint="mds_claim", before=outcome)
        except psycopg2.Error:
            self.env.cr.execute('ROLLBACK TO SAVEPOINT "mds_claim"')
            self.env.invalidate_all(flush=False)
            return None
        if outcome:
            self.env.invalidate_all()
        return claimed

    def _mds_send_one(
        self, session, connect_error, auto_commit, raise_exception, alias_domain_id, mail_server
    ):
        """One attempt, its outcome recorded; returns the SMTP session the next
        mail may use (None once it is broken). The outcome is the server's,
        as the connection recorded it (delivery/wire.py): an addon above
        send_email that catches the exception does not make it a success."""
        # Claimed (_mds_claim): the attempt is counted and, with auto_commit,
        # on record before the server can accept the mail.
        snapshot = self._mds_snapshot(self.attempt_count)
        arm_attempt()
        current_attempt.mail_id = self.id
        current_attempt.stock_failure_type = None
        error = None
        try:
            with wire.attempt() as seen:
                try:
                    if connect_error is not None:
                        raise connect_error
                    # The stock _send, for this one mail: called from a helper of
                    # our _send on purpose.
                    # pylint: disable=super-method-mismatch
                    with stock_failure_log_muted(self.id):
                        super(MailMail, self.with_context(**{_STOCK_SEND_KEY: True}))._send(
                            auto_commit=False,
                            raise_exception=True,
                            smtp_session=session,
                            alias_domain_id=alias_domain_id,
                            mail_server=mail_server,
                        )
                except (MemoryError, psycopg2.Error):
                    raise
                except Exception as exc:  # noqa: BLE001
                    error = exc
            failed = seen.failure()
            lines = disarm_attempt()
            if failed is not None and error is None:
                self._mds_tell_hooks_it_failed(failed.exception)
            if failed is not None or error is not None:
                session = self._mds_after_failed_exchange(
                    failed.exception if failed is not None else error, failed, snapshot, lines, session
                )
                if raise_exception:
                    raise error or failed.exception
                return session
            stock_failure = current_attempt.stock_failure_type
            if stock_failure:
                # Stock gives up without an exception when no recipient
                # address is valid (and may have auto-deleted the mail).
                self._mds_record_failure(None, snapshot, lines, stock_failure_type=stock_failure)
            else:
                self._mds_record_success(snapshot, lines, seen.refused())
        finally:
            disarm_attempt()
            current_attempt.mail_id = None
            current_attempt.stock_failure_type = None
            current_attempt.document = None
        return session

    def _mds_tell_hooks_it_failed(self, exc):
        """An addon above send_email caught the exception: stock's _send
        then told every _postprocess_sent_message (mass_mailing's traces,
        the notifications) that the mail was sent. Tell them the server's
        word. Not a failure type that makes stock delete the mail."""
        failure_class, code, reply = smtp_failure.classify(exc)
        failure_type = self._mds_stock_failure_type(failure_class, code)
        if failure_type in ("mail_email_invalid", "mail_email_missing"):
            failure_type = "unknown"
        self._postprocess_sent_message(success_pids=[], failure_reason=reply, failure_type=failure_type)

    def _mds_after_failed_exchange(self, exc, exchange, snapshot, lines, session):
        """A failed attempt recorded; returns the session the next mail may
        use. `exchange`: what the connection saw (None: it failed before
        any SMTP transaction, e.g. no connection)."""
        if lines is None:
            # Failed before the message was built (no connection): the
            # attachments as stored are those the attempt would have sent.
            lines = self._mds_attachment_lines()
        after_end = exchange is not None and exchange.stage == wire.AFTER_END
        code = self._mds_record_failure(exc, snapshot, lines, after_end=after_end)
        return outbox_session.after_failure(session, code)

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        mail_id = getattr(current_attempt, "mail_id", None)
        if mail_id in self.ids and failure_type:
            current_attempt.stock_failure_type = failure_type
        deferred = getattr(current_attempt, "deferred_deletes", None)
        if failure_type or deferred is None or self.ids != [mail_id]:
            return super()._postprocess_sent_message(
                success_pids, failure_reason=failure_reason, failure_type=failure_type
            )
        # Sent, in a batch: stock's auto-delete of this one mail (a flush of
        # everything, ir.default's and ir.model.data's cleanups, a DELETE:
        # an eighth of stock's drain) waits for the batch's bulk delete.
        current_attempt.defer_unlink_id = mail_id
        try:
            return super()._postprocess_sent_message(
                success_pids, failure_reason=failure_reason, failure_type=failure_type
            )
        finally:
            current_attempt.defer_unlink_id = None

    def unlink(self):
        defer_id = getattr(current_attempt, "defer_unlink_id", None)
        if defer_id and self.ids == [defer_id] and self.auto_delete:
            current_attempt.deferred_deletes.append(defer_id)
            return True
        return super().unlink()

    def _mds_delete_sent(self, ids, auto_commit):
        """The bulk auto-delete of a batch's sent mails (`ids`, emptied):
        one unlink instead of one per mail. Only a cleanup: their outcome is
        recorded (committed, with auto_commit) and their journal rows kept.
        With auto_commit it runs in a transaction of its own; should it fail
        (another runner deleting the same leftovers), the mails stay, sent,
        for the next queue run to delete."""
        if not ids:
            return
        mail_ids = list(ids)
        ids.clear()
        if not auto_commit:
            self._mds_unlink_sent(mail_ids)
            return
        try:
            self._mds_unlink_sent(mail_ids)
            self.env.cr.commit()  # pylint: disable=invalid-commit
        except psycopg2.Error as exc:
            self.env.cr.rollback()
            _logger.info(
                "Sent mails %s not deleted yet (%s): the next queue run deletes them", mail_ids[:5], exc
            )

    def _mds_unlink_sent(self, mail_ids):
        # Still sent and auto-delete: a mail retried by hand meanwhile
        # (Retry on a sent mail) is no longer the one that was sent.
        mails = self.sudo().browse(mail_ids).exists()
        mails = mails.filtered(lambda mail: mail.state == "sent" and mail.auto_delete)
        # Stock's unlink: the message of a non-notification mail goes too.
        return mails.unlink() if mails else True

    @api.model
    def _mds_delete_sent_leftovers(self):
        """Sent auto-delete mails a runner could not delete (stopped between
        their outcome's commit and the batch's bulk delete): deleted now, as
        stock would have right after sending them. Only those sent before a
        dead runner's claims are set aside (attempt_rules.interrupted_before):
        a younger one may be in a live runner's batch, about to be deleted
        by it, and two deletes of one row make one of them fail."""
        leftovers = self.sudo().search(
            [
                ("state", "=", "sent"),
                ("auto_delete", "=", True),
                ("write_date", "<", attempt_rules.interrupted_before(fields.Datetime.now())),
            ],
            limit=_DELETE_CHUNK * 10,
        )
        if leftovers:
            self._mds_unlink_sent(leftovers.ids)

    # ------------------------------------------------------------------
    # Attempt bookkeeping
    # ------------------------------------------------------------------
    def _mds_max_attempts(self):
        return attempt_rules.parse_max_attempts(
            self.env["ir.config_parameter"].sudo().get_param(MAX_ATTEMPTS_PARAM)
        )

    def _mds_attachment_lines(self):
        mail = self.sudo().exists()
        return (
            [
                attachment_line(att["name"], att["raw"] or b"")
                for att in mail.attachment_ids.read(["name", "raw"])
            ]
            if mail
            else []
        )

    def _mds_snapshot(self, attempt, documents=None):
        """What the journal keeps of this attempt. `documents`: the chunk's
        documents already found, {(model, res_id): record}."""
        mail = self.sudo()
        recipients = [mail.email_to or "", mail.email_cc or ""]
        recipients += [partner.email or partner.name for partner in mail.recipient_ids]
        company = False
        document_name = mail.record_name
        current_attempt.document = None
        if mail.model and mail.model in self.env and mail.res_id:
            if documents is not None:
                document = documents.get((mail.model, mail.res_id))
            else:
                document = self.env[mail.model].sudo().browse(mail.res_id).exists()
            if document:
                company = "company_id" in document._fields and document.company_id.id
                document_name = document.display_name
                # Found in this transaction: the outcome's hooks need not
                # look again (_mds_document).
                current_attempt.document = document
        subtype = mail.mail_message_id.subtype_id
        # Whether a subtype is internal: read once per batch, not per mail.
        memo = getattr(current_attempt, "batch_memo", None)
        if memo is None:
            internal = subtype.internal
        else:
            internal = memo.get(("subtype_internal", subtype.id))
            if internal is None:
                internal = memo[("subtype_internal", subtype.id)] = bool(subtype.internal)
        return {
            "company_id": company or False,
            # The person behind the attempt: the sender, or who retried it.
            "user_id": (mail.retry_user_id or mail.create_uid or self.env.user).id,
            "model": mail.model or False,
            "res_id": mail.res_id or False,
            "record_name": document_name or False,
            "mail_message_id": mail.mail_message_id.id,
            "mail_id": mail.id,
            "message_id": mail.message_id,
            "recipients": ", ".join(r for r in recipients if r),
            "subject": mail.subject,
            "attempt": attempt,
            # Who claimed the attempt: for a mail set aside, the dead runner.
            "runner": mail.sending_runner or False,
            # Internal notes (the failure note itself, tracking) are not
            # emails of the document to its customer.
            "is_document_email": bool(
                mail.model and mail.res_id and not internal and mail.message_type in DOCUMENT_MESSAGE_TYPES
            ),
        }

    def _mds_failure_sentence(self, failure_class, reply):
        """What happened and what to do, for a person, in their language."""
        sentences = {
            "temporary": self.env._(
                "The mail server could not take the email for now. It will be retried automatically; "
                "nothing to do unless retries run out."
            ),
            "permanent": self.env._(
                "The mail server refused the email for good. Check the recipient's address and the "
                "sender, then retry."
            ),
            "authentication": self.env._(
                "The mail server refused our login. Ask an administrator to check the user name and "
                "password of the outgoing mail server, then retry."
            ),
            "configuration": self.env._(
                "The outgoing mail server is not set up correctly (server, port, encryption or "
                "certificate). Ask an administrator to fix it, then retry."
            ),
            "recipient": self.env._(
                "The email has no valid recipient address. Correct the recipient's email address, then retry."
            ),
            "too_large": self.env._(
                "The email is too large for the mail server. Send fewer or smaller attachments."
            ),
            "unknown": self.env._("The email could not be sent for an unknown reason. Ask an administrator."),
        }
        sentence = sentences.get(failure_class, sentences["unknown"])
        if reply:
            sentence = "%s\n%s" % (sentence, self.env._("Server reply: %(reply)s", reply=reply))
        return sentence

    def _mds_failure_reason(self, failure_class, reply, state, attempt):
        """The failure reason of an attempt, in the context's language."""
        reason = self._mds_failure_sentence(failure_class, reply)
        if state == attempt_rules.FAILED and failure_class == smtp_failure.TEMPORARY:
            reason = "%s\n%s" % (
                reason,
                self.env._("No automatic retry left after %(count)s attempts: retry by hand.", count=attempt),
            )
        return reason

    def _mds_stock_failure_type(self, failure_class, code, stock_failure_type=None):
        """Stock's failure_type, kept right for mail.notification and the
        resend wizard: a connection problem is mail_smtp, a refused address
        mail_email_invalid; what stock already found precisely stays."""
        if stock_failure_type and stock_failure_type != "unknown":
            return stock_failure_type
        if failure_class == smtp_failure.RECIPIENT:
            return "mail_email_invalid"
        if failure_class in (smtp_failure.AUTHENTICATION, smtp_failure.CONFIGURATION) or (
            code is None and failure_class == smtp_failure.TEMPORARY
        ):
            return "mail_smtp"
        return "unknown"

    def _mds_record_failure(self, exc, snapshot, attachment_lines, stock_failure_type=None, after_end=False):
        """Classify, schedule or fail for good, journal; returns the SMTP code.
        `after_end`: the exception came once the whole message was sent: with
        no verdict from the server (timeout, dropped connection) the mail may
        have been taken, and is set aside for review, not retried blindly."""
        if smtp_failure.verdict_lost(exc, after_end):
            self._mds_set_aside_verdict_lost(exc, snapshot, attachment_lines)
            return None
        if exc is None:
            failure_class, code, reply = smtp_failure.RECIPIENT, None, ""
        else:
            failure_class, code, reply = smtp_failure.classify(exc)
        attempt = snapshot["attempt"]
        state, when = attempt_rules.after_failure(
            failure_class, attempt, fields.Datetime.now(), self._mds_max_attempts()
        )
        reason = self._mds_failure_reason(failure_class, reply, state, attempt)
        stock_type = self._mds_stock_failure_type(failure_class, code, stock_failure_type)
        mail = self.sudo().exists()
        if mail:
            mail.write(
                {
                    "state": state,
                    "failure_class": failure_class,
                    "failure_smtp_code": code or False,
                    "failure_smtp_reply": reply or False,
                    "failure_reason": reason,
                    "failure_type": stock_type,
                    "scheduled_date": when or False,
                    "sending_started_date": False,
                    "sending_runner": False,
                }
            )
        if state == attempt_rules.QUEUED:
            _logger.warning(
                "mail.mail %s (Message-Id %s): attempt %s failed (%s), retry at %s",
                snapshot["mail_id"],
                snapshot["message_id"],
                attempt,
                reply or failure_class,
                when,
            )
            # Stock marked the recipients' envelope failed: the mail is in
            # fact queued again.
            mail._mds_set_notifications(
                {"notification_status": "ready", "failure_type": False, "failure_reason": False}
            )
            # Due retries go out without waiting for the hourly queue run.
            cron = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger(at=when)
        else:
            _logger.error(
                "mail.mail %s (Message-Id %s) failed for good after %s attempt(s): %s %s",
                snapshot["mail_id"],
                snapshot["message_id"],
                attempt,
                failure_class,
                reply or "",
            )
            mail._mds_set_notifications(
                {
                    "notification_status": "exception",
                    "failure_type": stock_type if stock_type in _NOTIFICATION_FAILURE_TYPES else "unknown",
                    "failure_reason": reason,
                }
            )
        self.env["mail.delivery.log"]._log_attempt(
            snapshot,
            "failed",
            attachments="\n".join(attachment_lines or []),
            failure_class=failure_class,
            failure_smtp_code=code or False,
            failure_smtp_reply=reply or False,
            failure_reason=reason,
        )
        if state == attempt_rules.FAILED:
            self._mds_document_failed(
                snapshot,
                lambda env: self.with_env(env)._mds_failure_reason(failure_class, reply, state, attempt),
            )
            # Its to-do, opened now, is one a later delivery of the batch
            # may close (_mds_send_prepared).
            memo = getattr(current_attempt, "batch_memo", None)
            if memo is not None:
                memo.setdefault("failed_documents", set()).add((snapshot["model"], snapshot["res_id"]))
        return code

    def _mds_record_success(self, snapshot, attachment_lines, refused):
        mail = self.sudo().exists()
        if mail:
            mail.write(
                {
                    "failure_class": False,
                    "failure_smtp_code": False,
                    "failure_smtp_reply": False,
                    "sending_started_date": False,
                    "sending_runner": False,
                }
            )
        Log = self.env["mail.delivery.log"]
        # The mail is there (auto-delete waits for the batch's bulk delete),
        # so is its message: the journal need not check it.
        Log.with_context(mds_message_exists=bool(mail))._log_attempt(
            snapshot, "sent", attachments="\n".join(attachment_lines or [])
        )
        self._mds_log_refused(snapshot, refused)
        self._mds_document_delivered(snapshot)

    def _mds_log_refused(self, snapshot, refused):
        Log = self.env["mail.delivery.log"]
        for address, (code, reply) in (refused or {}).items():
            # The server took the mail but refused some of its recipients.
            reply = "%s %s" % (code, reply.decode(errors="replace") if isinstance(reply, bytes) else reply)
            failure_class = smtp_failure.classify_reply(code, reply)
            Log._log_attempt(
                dict(snapshot, recipients=address),
                "failed",
                failure_class=failure_class,
                failure_smtp_code=code,
                failure_smtp_reply=reply,
                failure_reason=self._mds_failure_sentence(failure_class, reply),
            )

    def _mds_set_notifications(self, values):
        """The chatter envelope of this mail's own recipients only: with one
        mail per recipient, each keeps the outcome of its own mail. Those
        marked sent are included: stock marks them so when send_email
        returned, which an addon catching the exception makes it do for a
        mail the server refused."""
        if not self:
            return
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search(
                [
                    ("mail_mail_id", "in", self.ids),
                    ("notification_type", "=", "email"),
                    ("notification_status", "!=", "canceled"),
                ]
            )
        )
        if notifications:
            notifications.write(values)
            notifications.mail_message_id._notify_message_notification_update()

    @api.model
    def _mds_flag_interrupted(self):
        """Mails whose sender died between the in-flight mark and the outcome
        may have reached the server: sending them again could deliver twice,
        dropping them would lose them. Set them aside, failed, for review."""
        limit = attempt_rules.interrupted_before(fields.Datetime.now())
        self.flush_model(["state", "sending_started_date"])
        # Several runners may look at once: the one that locks a mail sets
        # it aside, the others skip it (one note, one journal row).
        self.env.cr.execute(
            """SELECT id FROM mail_mail
                WHERE state = 'outgoing' AND sending_started_date < %s
                ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
            [limit],
            log_exceptions=False,
        )
        stale = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

        def interrupted(env):
            return env._(
                "Sending was interrupted (the server stopped) after the email was handed to the mail "
                "server: it may or may not have been delivered. Check with the recipient before retrying."
            )

        for mail in stale:
            _logger.error(
                "mail.mail %s (Message-Id %s) was interrupted while being sent: set aside for review",
                mail.id,
                mail.message_id,
            )
            mail._mds_set_aside(mail._mds_snapshot(mail.attempt_count), interrupted)
        return stale

    def _mds_set_aside_verdict_lost(self, exc, snapshot, attachment_lines):
        """The whole message was sent, then the connection timed out or
        dropped before the server's verdict: it may have been delivered."""
        _failure_class, _code, reply = smtp_failure.classify(exc)
        _logger.error(
            "mail.mail %s (Message-Id %s): no reply from the server after the whole email was sent (%s): "
            "set aside for review",
            snapshot["mail_id"],
            snapshot["message_id"],
            reply,
        )

        def verdict_lost(env):
            return env._(
                "The connection was lost after the whole email was handed to the mail server, before the "
                "server confirmed it: the server may have accepted it. Check with the recipient before "
                "retrying, or it may arrive twice."
            )

        self._mds_set_aside(snapshot, verdict_lost, reply=reply, attachment_lines=attachment_lines)

    def _mds_set_aside(self, snapshot, reason_in, reply=False, attachment_lines=None):
        """Failed, flagged for review, never retried by itself: the server
        may have taken the mail (an interrupted send, a verdict lost).
        `reason_in(env)` words it in that environment's language: the
        document's note is written in its reader's."""
        reason = reason_in(self.env)
        mail = self.sudo().exists()
        mail.write(
            {
                "state": "exception",
                "failure_class": smtp_failure.UNKNOWN,
                "failure_smtp_code": False,
                "failure_smtp_reply": reply or False,
                "failure_type": "unknown",
                "failure_reason": reason,
                "scheduled_date": False,
                "sending_started_date": False,
                "sending_runner": False,
                "delivery_review_needed": True,
            }
        )
        mail._mds_set_notifications(
            {"notification_status": "exception", "failure_type": "unknown", "failure_reason": reason}
        )
        self.env["mail.delivery.log"]._log_attempt(
            snapshot,
            "failed",
            attachments="\n".join(attachment_lines or []) or False,
            failure_class=smtp_failure.UNKNOWN,
            failure_smtp_reply=reply or False,
            failure_reason=reason,
            review_needed=True,
        )
        self._mds_document_failed(snapshot, reason_in)
        current_attempt.document = None

    # ------------------------------------------------------------------
    # The document: only failures for good, and the success that follows
    # ------------------------------------------------------------------
    def _mds_document(self, snapshot):
        model, res_id = snapshot.get("model"), snapshot.get("res_id")
        if not snapshot.get("is_document_email") or not model or model not in self.env:
            return None
        if not hasattr(self.env[model], "_mds_email_failed"):
            return None
        known = getattr(current_attempt, "document", None)
        if known is not None and known._name == model and known.id == res_id:
            return known
        return self.env[model].sudo().browse(res_id).exists() or None

    def _mds_document_failed(self, snapshot, reason):
        document = self._mds_document(snapshot)
        if document is not None:
            document._mds_email_failed(snapshot, reason)

    def _mds_document_delivered(self, snapshot):
        document = self._mds_document(snapshot)
        if document is not None:
            document._mds_email_delivered(snapshot)
