# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import datetime
import hashlib
import logging
import threading
from email.utils import formataddr

import psycopg2

import odoo
from odoo import _, api, fields, models, tools
from odoo.addons.base.ir.ir_mail_server import MailDeliveryException
from odoo.exceptions import AccessError

from ..delivery import retry, smtp_failure
from ..delivery.address import ascii_address

_logger = logging.getLogger(__name__)

FAILURE_TYPE_SELECTION = [
    ("temporary", "Temporary"),
    ("permanent", "Permanent"),
    ("authentication", "Authentication"),
    ("configuration", "Configuration"),
    ("recipient", "Recipient"),
    ("too_large", "Too large"),
    ("unknown", "Unknown"),
]
MAX_ATTEMPTS_PARAM = "mail_document_send.max_attempts"
#: A mail marked as being sent for longer than this was interrupted (worker
#: killed, server crash): well above SMTP_TIMEOUT (60 s) times a few round trips.
INTERRUPTED_AFTER = datetime.timedelta(minutes=10)
#: Context key: never commit (tests run the queue inside their transaction).
NO_COMMIT_KEY = "mail_document_send_no_commit"

# Stock _send logs every failure at ERROR with a traceback, a retried 451
# included: an administrator reads it as a bug. The mails this addon sends
# make stock re-raise to us, and _mds_record_failure logs the outcome once:
# a WARNING while a retry is scheduled, an ERROR when the mail fails for good.
_STOCK_FAILURE_MSG = "failed sending mail (id: %s) due to %s"
_outcome_owner = threading.local()


def _attachment_line(name, data):
    """One attachment in the journal: name, size and SHA-256 of the bytes."""
    return "%s | %d bytes | SHA-256 %s" % (name, len(data), hashlib.sha256(data).hexdigest())


def note_attachments_sent(attachments):
    """Called by ir.mail_server.build_email with the attachments it puts in
    the message: the journal takes their lines from there, for the mail this
    thread is sending, instead of reading every attachment a second time."""
    if getattr(_outcome_owner, "mail_id", None):
        _outcome_owner.attachment_lines = [
            _attachment_line(name, data or b"") for name, data, *_rest in attachments or []
        ]


class _StockFailureLogFilter(logging.Filter):
    def filter(self, record):
        return not (
            record.msg == _STOCK_FAILURE_MSG
            and record.args
            and record.args[0] == getattr(_outcome_owner, "mail_id", None)
        )


_stock_logger = logging.getLogger("odoo.addons.mail.models.mail_mail")
if not any(isinstance(flt, _StockFailureLogFilter) for flt in _stock_logger.filters):
    _stock_logger.addFilter(_StockFailureLogFilter())


def _smtp_session_usable(session, exc):
    """After a failed send, may the next mail use the same connection? Yes
    after a reply such as 451 or 550 (smtplib reset the transaction); not
    once smtplib closed it (421, dropped connection), nor after a network
    error or a timeout, which leave it in an unknown state."""
    code = smtp_failure.classify(exc)[1]
    return getattr(session, "sock", None) is not None and code is not None and code != 421


def _close_smtp_session(session):
    try:
        session.quit()
    except Exception:  # pylint: disable=broad-except
        session.close()


class MailMail(models.Model):
    _inherit = "mail.mail"

    failure_type = fields.Selection(FAILURE_TYPE_SELECTION, readonly=True, copy=False, index=True)
    attempt_count = fields.Integer("Attempts", readonly=True, copy=False)
    next_attempt_date = fields.Datetime("Next attempt", readonly=True, copy=False, index=True)
    failure_smtp_code = fields.Integer("SMTP code", readonly=True, copy=False)
    failure_smtp_reply = fields.Text("SMTP reply", readonly=True, copy=False)
    retry_user_id = fields.Many2one(
        "res.users", "Retried by", readonly=True, copy=False, help="Who last retried it by hand."
    )
    sending_started_date = fields.Datetime(
        "Sending since",
        readonly=True,
        copy=False,
        index=True,
        help="Set, and committed by the queue, before talking to the SMTP server; cleared once the "
        "outcome is recorded. Still set later means the sender died mid-flight: the mail may have left.",
    )

    # ------------------------------------------------------------------
    # Manual actions: administrators only (the stock buttons only hide
    # them in the view, RPC reached them anyway).
    # ------------------------------------------------------------------
    def _mds_check_admin(self):
        if not (self.env.user._is_superuser() or self.env.user.has_group("base.group_system")):
            raise AccessError(_("Only administrators can retry or cancel emails."))

    def _mds_reset_schedule_values(self):
        return {
            "attempt_count": 0,
            "next_attempt_date": False,
            "failure_type": False,
            "failure_smtp_code": False,
            "failure_smtp_reply": False,
            "sending_started_date": False,
        }

    @api.multi
    def write(self, vals):
        # Users may write their own mails (stock rights): a plain write of
        # the state through RPC must not get round the Retry / Cancel check.
        if vals.get("state") in ("outgoing", "cancel"):
            self._mds_check_admin()
        return super().write(vals)

    @api.multi
    def mark_outgoing(self):
        """A manual Retry starts the retry schedule over."""
        self._mds_check_admin()
        self.write(dict(self._mds_reset_schedule_values(), retry_user_id=self.env.uid))
        return super().mark_outgoing()

    @api.multi
    def cancel(self):
        self._mds_check_admin()
        self.write({"next_attempt_date": False})
        return super().cancel()

    @api.multi
    def action_retry_send_now(self):
        """List action: retry the selected mails and send them at once."""
        self.mark_outgoing()
        return self.action_send_now()

    @api.multi
    def action_send_now(self):
        """Send Now (form and list buttons): the queue's guarantee, not a
        send inside the click's transaction. Within it, the "sending" mark
        could not be committed before SMTP: a worker killed after the server
        accepted the mail would roll everything back, and the queue would
        send it again, unnoticed. So the mails go out once the click is
        committed, in a cursor of their own, through the queue's path
        (mark committed, SMTP, outcome committed, mail by mail)."""
        if not self._mds_may_commit():
            self._mds_sendable().send()
            return True
        dbname, uid, context, ids = self.env.cr.dbname, self.env.uid, dict(self.env.context), self.ids

        def send_committed():
            with api.Environment.manage(), odoo.registry(dbname).cursor() as cr:
                env = api.Environment(cr, uid, context)
                env["mail.mail"].browse(ids).exists()._mds_sendable().send(auto_commit=True)

        self.env.cr.after("commit", send_committed)
        return True

    def _mds_may_commit(self):
        testing = getattr(threading.currentThread(), "testing", False)
        return not (self.env.context.get(NO_COMMIT_KEY) or tools.config.get("test_enable") or testing)

    def _mds_transaction_is_empty(self):
        """Nothing written, nothing to recompute, nothing waiting for the commit."""
        if self.env.all.todo or getattr(self.env.cr, "_event_handlers", {}).get("commit"):
            return False
        self.env.cr.execute("SELECT txid_current_if_assigned() IS NULL")
        return self.env.cr.fetchone()[0]

    def _mds_sendable(self):
        """Outgoing mails nobody is sending right now."""
        return self.filtered(lambda mail: mail.state == "outgoing" and not mail.sending_started_date)

    @api.multi
    def send_get_mail_to(self, partner=None):
        # Stock's formataddr() raises on a non-ASCII address, which fails the
        # mail for every partner of its chunk (up to 50): an IDN domain goes
        # IDNA-encoded, an address still not ASCII is skipped alone.
        if partner and partner.email and not partner.email.isascii():
            self.ensure_one()
            address = ascii_address(partner.email.strip())
            return [formataddr((partner.name or "", address))] if address.isascii() else []
        return super().send_get_mail_to(partner=partner)

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------
    @api.model
    def process_email_queue(self, ids=None):
        """Only the mails whose retry is due; the stock filters still apply."""
        self._mds_flag_interrupted()
        filters = list(self.env.context.get("filters") or [])
        filters += [
            "|",
            ("next_attempt_date", "=", False),
            ("next_attempt_date", "<=", fields.Datetime.now()),
            # Never resend a mail that may be with the SMTP server already.
            ("sending_started_date", "=", False),
        ]
        return super(MailMail, self.with_context(filters=filters)).process_email_queue(ids=ids)

    @api.multi
    def send(self, auto_commit=False, raise_exception=False):
        """The stock loop, except that a connection failure is classified and
        scheduled like any other failure instead of being written as raw text.
        Committing per mail is the stock queue's contract (auto_commit): a
        sent mail must stay sent even if a later one crashes the batch.
        Context key `mail_document_send_no_commit` turns auto-commit off so
        that tests can run process_email_queue() inside their transaction.
        A send in a transaction that holds nothing yet, as stock's force_send
        of chatter mails right after the poster's commit, takes the queue's
        path too: committing there commits nothing of the caller's."""
        if self.env.context.get(NO_COMMIT_KEY):
            auto_commit = False
        elif not auto_commit and self._mds_may_commit() and self._mds_transaction_is_empty():
            auto_commit = True
        for server_id, batch_ids in self._split_by_server():
            smtp_session = None
            try:
                smtp_session = self.env["ir.mail_server"].connect(mail_server_id=server_id)
            except Exception as exc:
                if raise_exception:
                    raise MailDeliveryException(_("Unable to connect to SMTP Server"), exc)
                _logger.info("Cannot connect to mail server %s: %s", server_id, exc)
                for mail in self.browse(batch_ids).filtered(lambda m: m.state == "outgoing"):
                    snapshot = mail._mds_start_attempt()
                    mail._mds_record_failure(exc, snapshot)
                if auto_commit is True:
                    self._cr.commit()  # pylint: disable=invalid-commit
            else:
                self.browse(batch_ids)._send(
                    auto_commit=auto_commit, raise_exception=raise_exception, smtp_session=smtp_session
                )
                _logger.info("Sent batch %s emails via mail server ID #%s", len(batch_ids), server_id)
            finally:
                if smtp_session:
                    # A dropped connection makes quit() raise: the outcome
                    # of every mail is already recorded.
                    try:
                        smtp_session.quit()
                    except Exception:  # pylint: disable=broad-except
                        _logger.info("SMTP session for server %s already closed", server_id)
        return True

    @api.multi
    def _send(self, auto_commit=False, raise_exception=False, smtp_session=None):
        """Run the stock _send one mail at a time, made to raise, so that we
        get the exception itself (stock keeps only its text)."""
        session, own_sessions, connect_error = smtp_session, [], None
        try:
            for mail_id in self.ids:
                mail = self.browse(mail_id)
                if not mail._mds_due_here(session):
                    continue
                if session is None and smtp_session is not None and connect_error is None:
                    # The batch's connection died: one new connection for the
                    # rest of the batch, not a failure for every mail after it.
                    try:
                        session = self.env["ir.mail_server"].connect(mail_server_id=mail.mail_server_id.id)
                        own_sessions.append(session)
                    except Exception as exc:  # pylint: disable=broad-except
                        connect_error = exc
                session = mail._mds_send_one(session, connect_error, auto_commit, raise_exception)
        finally:
            for own in own_sessions:
                _close_smtp_session(own)
        return True

    def _mds_due_here(self, session):
        """Whether this call is the one to send the mail."""
        if not self.exists():
            # Sent and auto-deleted by another worker (Send Now) since this
            # batch was selected. Stock _send would write 'exception' on the
            # missing row, and that MissingError ends the whole queue run.
            return False
        # Another worker may have taken it since this batch was selected:
        # read it again rather than trust the batch's cache.
        self.invalidate_cache(["state", "sending_started_date"], self.ids)
        if self.state != "outgoing":
            # Stock behaviour for those: skip, or clean up auto-delete. The
            # stock _send is called from helpers of our _send on purpose.
            # pylint: disable=super-method-mismatch
            super(MailMail, self)._send(auto_commit=False, smtp_session=session)
            return False
        if self.sending_started_date:
            _logger.info("mail.mail %s is being sent by another worker: skipped", self.id)
            return False
        return True

    def _mds_send_one(self, session, connect_error, auto_commit, raise_exception):
        """One attempt, its outcome recorded; returns the SMTP session the
        next mail may use (None once it is broken)."""
        snapshot = self._mds_start_attempt(attachments=False)
        if auto_commit is True:
            # The queue's guarantee: the attempt is on record before the
            # SMTP server can accept the mail (see _mds_flag_interrupted).
            self._cr.commit()  # pylint: disable=invalid-commit
        try:
            if connect_error is not None:
                raise connect_error
            _outcome_owner.mail_id = self.id
            _outcome_owner.attachment_lines = None
            # pylint: disable=super-method-mismatch
            super(MailMail, self)._send(auto_commit=False, raise_exception=True, smtp_session=session)
        except (MemoryError, psycopg2.Error):
            raise
        except Exception as exc:
            self._mds_snapshot_attachments(snapshot)
            self._mds_record_failure(exc, snapshot)
            if session is not None and not _smtp_session_usable(session, exc):
                _close_smtp_session(session)
                session = None
            if raise_exception:
                raise
        else:
            self._mds_snapshot_attachments(snapshot)
            exists = bool(self.exists())
            if exists and self.state == "exception":
                # Stock gives up silently when no recipient is valid.
                self._mds_record_failure(None, snapshot)
            else:
                self._mds_record_success(snapshot, exists=exists)
        finally:
            _outcome_owner.mail_id = None
            _outcome_owner.attachment_lines = None
        if auto_commit is True:
            self._cr.commit()  # pylint: disable=invalid-commit
        return session

    # ------------------------------------------------------------------
    # Attempt bookkeeping
    # ------------------------------------------------------------------
    def _mds_start_attempt(self, attachments=True):
        """Count the attempt before talking to SMTP, and take what the journal
        needs now: an auto-delete mail is gone once sent. Without
        `attachments`, the caller fills them in after the send
        (_mds_snapshot_attachments)."""
        self.ensure_one()
        attempt = self.attempt_count + 1
        self.write({"attempt_count": attempt, "sending_started_date": fields.Datetime.now()})
        return self._mds_snapshot(attempt, attachments=attachments)

    def _mds_attachment_lines(self):
        lines = []
        for att in self.attachment_ids.sudo().read(["datas_fname", "name", "datas"]):
            data = base64.b64decode(att["datas"] or b"")
            lines.append(_attachment_line(att["datas_fname"] or att["name"], data))
        return lines

    def _mds_snapshot_attachments(self, snapshot):
        """The attachments of the attempt: as build_email saw them when the
        message was built, else (failure before that) as stored."""
        lines = getattr(_outcome_owner, "attachment_lines", None)
        if lines is None:
            lines = self._mds_attachment_lines() if self.exists() else []
        snapshot["attachments"] = "\n".join(lines)
        return snapshot

    def _mds_snapshot(self, attempt, attachments=True):
        lines = self._mds_attachment_lines() if attachments else []
        recipients = [self.email_to or "", self.email_cc or ""]
        # read() of the two columns needed: browsing would prefetch every
        # column of the partner (and below, of the document) at each send.
        partners = self.recipient_ids.sudo().read(["email", "name"])
        recipients += [partner["email"] or partner["name"] for partner in partners]
        # The journal row follows the document's company (multi-company rule).
        company = False
        if self.model in self.env and self.res_id and "company_id" in self.env[self.model]._fields:
            document = self.env[self.model].sudo().with_context(prefetch_fields=False).browse(self.res_id)
            company = document.exists().company_id.id
        return {
            "company_id": company or False,
            # The person behind the attempt, not the queue's cron user.
            "user_id": (self.retry_user_id or self.create_uid or self.env.user).id,
            "model": self.model or False,
            "res_id": self.res_id or False,
            "record_name": self.record_name or False,
            "mail_message_id": self.mail_message_id.id,
            "mail_id": self.id,
            "message_id": self.message_id,
            "recipients": ", ".join(r for r in recipients if r),
            "subject": self.subject,
            "attachments": "\n".join(lines),
            "attempt": attempt,
        }

    @api.model
    def _mds_flag_interrupted(self):
        """Mails whose sender died between "sending" and the outcome may have
        reached the server: sending them again could deliver twice, dropping
        them would lose them. Put them aside, failed, for a person to check."""
        limit = fields.Datetime.from_string(fields.Datetime.now()) - INTERRUPTED_AFTER
        stale = self.sudo().search(
            [
                ("state", "=", "outgoing"),
                ("sending_started_date", "!=", False),
                ("sending_started_date", "<", fields.Datetime.to_string(limit)),
            ]
        )
        reason = _(
            "Sending was interrupted (the server stopped) after the email was handed to the mail server: "
            "it may or may not have been delivered. Check with the recipient before retrying."
        )
        for mail in stale:
            _logger.error(
                "mail.mail %s (Message-Id %s) was interrupted while being sent: set aside for review",
                mail.id,
                mail.message_id,
            )
            mail._mds_set_notification_status("exception")
            mail.write(
                {
                    "state": "exception",
                    "failure_type": smtp_failure.UNKNOWN,
                    "failure_reason": reason,
                    "next_attempt_date": False,
                    "sending_started_date": False,
                }
            )
            snapshot = mail._mds_snapshot(mail.attempt_count)
            self.env["mail.delivery.log"]._log_attempt(
                snapshot, "failed", failure_type="unknown", failure_reason=reason
            )
            # "For a person to check": the document's chatter and to-do tell
            # the salesperson, as for any failure for good.
            mail._mds_notify_final_failure(snapshot, reason)
        return stale

    @api.multi
    def _postprocess_sent_message(self, mail_sent=True):
        # Stock writes the outcome on the email status of every recipient of
        # the message. A document's message goes as one mail per recipient:
        # the accountant's copy delivered must not turn the customer's
        # refused one "sent" in the chatter, nor the reverse.
        others = self.env["mail.notification"].sudo()
        for mail in self.filtered(
            lambda mail: mail.notification and mail.mail_message_id and mail.recipient_ids
        ):
            others |= others.search(
                [
                    ("mail_message_id", "=", mail.mail_message_id.id),
                    ("is_email", "=", True),
                    ("res_partner_id", "not in", mail.recipient_ids.ids),
                ]
            )
        statuses = {}
        for notification in others:
            statuses.setdefault(notification.email_status, others.browse())
            statuses[notification.email_status] |= notification
        result = super()._postprocess_sent_message(mail_sent=mail_sent)
        for status, notifications in statuses.items():
            notifications.exists().write({"email_status": status})
        return result

    def _mds_set_notification_status(self, status):
        """The email status of the mail's recipients in the chatter, as stock
        _postprocess_sent_message sets it, but only for this mail's partners
        (a message's recipients may be split over several mails)."""
        self.ensure_one()
        if not self.notification or not self.mail_message_id:
            return
        domain = [("mail_message_id", "=", self.mail_message_id.id), ("is_email", "=", True)]
        if self.recipient_ids:
            domain.append(("res_partner_id", "in", self.recipient_ids.ids))
        self.env["mail.notification"].sudo().search(domain).write({"email_status": status})

    def _mds_max_attempts(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MAX_ATTEMPTS_PARAM)
        try:
            return max(1, int(value)) if value else retry.DEFAULT_MAX_ATTEMPTS
        except ValueError:
            return retry.DEFAULT_MAX_ATTEMPTS

    def _mds_failure_sentence(self, failure_type, code, reply):
        """What happened and what to do, for a person, in their language."""
        sentences = {
            "temporary": _(
                "The mail server could not take the email for now. It will be retried automatically; "
                "nothing to do unless retries run out."
            ),
            "permanent": _(
                "The mail server refused the email for good. Check the recipient's address "
                "and the sender, then retry."
            ),
            "authentication": _(
                "The mail server refused our login. Ask an administrator to check the user name "
                "and password of the outgoing mail server, then retry."
            ),
            "configuration": _(
                "The outgoing mail server is not set up correctly (server, port, encryption or "
                "certificate). Ask an administrator to fix it, then retry."
            ),
            "recipient": _(
                "The email has no valid recipient address. Correct the recipient's email address, then retry."
            ),
            "too_large": _("The email is too large for the mail server. Send fewer or smaller attachments."),
            "unknown": _("The email could not be sent for an unknown reason. Ask an administrator."),
        }
        sentence = sentences.get(failure_type, sentences["unknown"])
        if reply:
            sentence = "%s\n%s" % (sentence, _("Server reply: %s") % tools.ustr(reply))
        return sentence

    def _mds_record_failure(self, exc, snapshot):
        self.ensure_one()
        failure_type, code, reply = smtp_failure.classify(exc)
        attempt = snapshot["attempt"]
        values = {
            "failure_type": failure_type,
            "failure_smtp_code": code or False,
            "failure_smtp_reply": reply or False,
            "attempt_count": attempt,
            "failure_reason": self._mds_failure_sentence(failure_type, code, reply),
            "state": "exception",
            "next_attempt_date": False,
            "sending_started_date": False,
        }
        if failure_type == smtp_failure.TEMPORARY:
            when = retry.next_attempt(
                attempt, fields.Datetime.from_string(fields.Datetime.now()), self._mds_max_attempts()
            )
            if when:
                values.update(state="outgoing", next_attempt_date=fields.Datetime.to_string(when))
            else:
                values["failure_reason"] = "%s\n%s" % (
                    values["failure_reason"],
                    _("No automatic retry left after %d attempts: retry by hand.") % attempt,
                )
        self.sudo().write(values)
        if values["state"] == "exception":
            _logger.error(
                "mail.mail %s (Message-Id %s) failed for good after %d attempt(s): %s %s",
                self.id,
                self.message_id,
                attempt,
                failure_type,
                reply or "",
                exc_info=exc if failure_type == smtp_failure.UNKNOWN else None,
            )
            self._mds_set_notification_status("exception")
            self._mds_notify_final_failure(snapshot, values["failure_reason"])
        else:
            _logger.warning(
                "mail.mail %s (Message-Id %s): attempt %d failed (%s), retry at %s",
                self.id,
                self.message_id,
                attempt,
                reply or failure_type,
                values["next_attempt_date"],
            )
            # Stock marked the recipients' notifications "exception" (a red
            # envelope in the chatter): the mail is in fact queued again.
            self._mds_set_notification_status("ready")
        self.env["mail.delivery.log"]._log_attempt(
            snapshot,
            "failed",
            failure_type=failure_type,
            failure_smtp_code=code or False,
            failure_smtp_reply=reply or False,
            failure_reason=values["failure_reason"],
        )

    def _mds_record_success(self, snapshot, exists=None):
        """`exists`: whether the mail is still there (auto-delete), when the
        caller has just checked."""
        if self.exists() if exists is None else exists:
            self.sudo().write(
                {
                    "next_attempt_date": False,
                    "failure_type": False,
                    "failure_smtp_code": False,
                    "failure_smtp_reply": False,
                    "sending_started_date": False,
                }
            )
        else:
            # Auto-delete took the mail.message along: keep its text fields only.
            message = self.env["mail.message"].browse(snapshot["mail_message_id"]).exists()
            snapshot = dict(snapshot, mail_message_id=message.id)
        self.env["mail.delivery.log"]._log_attempt(snapshot, "sent")
        self._mds_close_failure_activities(snapshot)

    # ------------------------------------------------------------------
    # The document's chatter: only failures for good, not every attempt
    # ------------------------------------------------------------------
    def _mds_document(self, snapshot):
        """The document the mail is about, if it has a chatter and activities."""
        model, res_id = snapshot.get("model"), snapshot.get("res_id")
        if not model or not res_id or model not in self.env:
            return None
        record = self.env[model].sudo().browse(res_id).exists()
        if not record or "activity_ids" not in record._fields:
            return None
        return record

    def _mds_notify_final_failure(self, snapshot, reason):
        record = self._mds_document(snapshot)
        if record is None:
            return
        body = "<p>%s</p><p>%s</p>" % (
            tools.html_escape(
                _('The email "%(subject)s" to %(recipients)s could not be delivered.')
                % {"subject": snapshot.get("subject") or "", "recipients": snapshot.get("recipients") or ""}
            ),
            tools.html_escape(reason or "").replace("\n", "<br/>"),
        )
        # A note: internal, never emailed to the followers.
        record.message_post(body=body, subtype="mail.mt_note", message_type="comment")
        activity_type = self.env.ref("mail_document_send.mail_activity_type_email_failed")
        user = record.user_id if "user_id" in record._fields and record.user_id else self.env.user
        activities = self.env["mail.activity"].sudo()
        if activities.search_count(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", activity_type.id),
            ]
        ):
            return  # one open to-do per document is enough
        activities.create(
            {
                "res_model_id": self.env["ir.model"]._get(record._name).id,
                "res_id": record.id,
                "activity_type_id": activity_type.id,
                "summary": _("Email not delivered: %s") % (snapshot.get("subject") or ""),
                "note": "<p>%s</p>" % tools.html_escape(reason or ""),
                "user_id": user.id,
            }
        )

    def _mds_close_failure_activities(self, snapshot):
        model, res_id = snapshot.get("model"), snapshot.get("res_id")
        if not model or not res_id:
            return
        # Runs after every sent mail: look for the to-do first (one query),
        # the document only when there is one.
        activity_type = self.env.ref("mail_document_send.mail_activity_type_email_failed")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", model),
                    ("res_id", "=", res_id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        record = self._mds_document(snapshot) if activities else None
        if record is not None and hasattr(record, "_mds_delivery_states"):
            # One mail per recipient: the accountant's copy delivered after
            # the customer's was refused does not settle the to-do.
            if record._mds_delivery_states([record.id]).get(record.id) == "failed":
                record = None
        if record is not None:
            # Not action_feedback(): its "activity done" message may be
            # emailed to followers, which would queue a new mail here.
            activities.unlink()
            record.message_post(
                body=tools.html_escape(_('The email "%s" was delivered.') % (snapshot.get("subject") or "")),
                subtype="mail.mt_note",
                message_type="comment",
            )
