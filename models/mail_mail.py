# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The outbox's fields and administrator actions on mail.mail, and the thin
overrides through which every mail reaches the queue runner (outbox/)."""

import logging
import smtplib
import threading

import psycopg2

from odoo import SUPERUSER_ID, api, fields, models
from odoo.addons.base.models.ir_mail_server import MailDeliveryException
from odoo.exceptions import AccessError
from odoo.modules.registry import Registry

from ..delivery import smtp_failure
from ..outbox import after_sent, interrupted, reasons
from ..outbox.batch import QUEUE_KEY, Batch

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
    attempt_count = fields.Integer(
        "Attempts",
        readonly=True,
        copy=False,
        help="Attempts since the email was queued or last retried by hand (a retry starts the automatic "
        "retries over); the delivery journal numbers every attempt.",
    )
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
    sent_hooks_pending = fields.Boolean(
        "Follow-up pending",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Sent; what other addons do after an email is sent (a mailing's statistics) comes with the "
        "next emails sent, or the next queue run.",
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
                mail.failure_reason_localized = reasons.failure_reason(
                    mail.env, mail.failure_class, mail.failure_smtp_reply, mail.state, mail.attempt_count
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
            "sent_hooks_pending": False,
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
    # Every send goes through the queue runner (outbox/batch.py)
    # ------------------------------------------------------------------
    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        """Interrupted sends are set aside first; then stock's selection
        (`mail.mail.queue.batch.size`, the cron's progress), each mail of
        which is claimed by this runner before it is sent: the other runners
        skip it. Nothing raises out of here: Odoo deactivates a cron that
        keeps failing (ir_cron.py MIN_FAILURE_COUNT_BEFORE_DEACTIVATION),
        which would stop every email."""
        if not getattr(threading.current_thread(), "testing", False):
            # A fresh snapshot: what other runners committed is seen, not
            # met as a serialization failure on the first write.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self._mds_housekeeping()
        filters = list(self.env.context.get("filters") or [])
        filters.append(("sending_started_date", "=", False))
        return super(MailMail, self.with_context(filters=filters, **{QUEUE_KEY: True})).process_email_queue(
            ids=ids, batch_size=batch_size
        )

    @api.model
    def _mds_housekeeping(self):
        try:
            with self.env.cr.savepoint():
                interrupted.flag_interrupted(self.env)
        except psycopg2.errors.TransactionRollbackError:
            _logger.info("Interrupted sends being set aside by another runner; the queue goes on")
        except Exception:  # noqa: BLE001
            _logger.exception("Could not set interrupted sends aside; the queue goes on")
        try:
            with self.env.cr.savepoint():
                after_sent.leftovers(self.env)
        except psycopg2.Error as exc:
            _logger.info("Sent mails left over not followed up (%s); the queue goes on", exc)

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
            mail_server = self.env["ir.mail_server"].browse(mail_server_id)
            smtp_session = None
            try:
                smtp_session = self.env["ir.mail_server"].connect(
                    mail_server_id=mail_server_id, smtp_from=smtp_from
                )
            except Exception as exc:  # noqa: BLE001
                if raise_exception:
                    raise MailDeliveryException(self.env._("Unable to connect to SMTP Server"), exc) from exc
                _logger.info("Cannot connect to mail server %s: %s", mail_server_id, exc)
                Batch(
                    self.browse(batch_ids), mail_server, alias_domain_id, auto_commit, connect_error=exc
                ).run(post_send_callback)
            else:
                self.browse(batch_ids)._send(
                    auto_commit=auto_commit,
                    raise_exception=raise_exception,
                    smtp_session=smtp_session,
                    alias_domain_id=alias_domain_id,
                    mail_server=mail_server,
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
        """Stock's loop replaced by the queue runner: each mail claimed, its
        claim committed before the server gets it (with auto_commit), every
        addon's hooks called (outbox/hooks.py), the outcome read at the wire."""
        batch = Batch(
            self,
            mail_server,
            alias_domain_id,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
            session=smtp_session,
        )
        return batch.run(post_send_callback)
