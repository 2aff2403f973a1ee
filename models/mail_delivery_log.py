# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..delivery.attempt import parse_retention_days
from ..outbox import reasons
from .mail_mail import FAILURE_CLASS_SELECTION

RETENTION_PARAM = "mail_document_send.delivery_log_retention_days"


class MailDeliveryLog(models.Model):
    """One row per delivery attempt of a mail.mail.

    Deliberately not linked to mail.mail: auto-deleted mails vanish once
    sent, and the journal must outlive them (proof of what left, when)."""

    _name = "mail.delivery.log"
    _description = "Email delivery journal"
    _order = "date desc, id desc"
    _rec_name = "subject"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Sent by", readonly=True, default=lambda self: self.env.uid)
    # Indexed: the delivery state of a document reads its rows.
    model = fields.Char("Document model", readonly=True, index=True)
    res_id = fields.Many2oneReference("Document ID", model_field="model", readonly=True, index=True)
    record_name = fields.Char("Document", readonly=True)
    is_document_email = fields.Boolean(
        "Document email",
        readonly=True,
        help="An email of the document to its recipients, not an internal note.",
    )
    mail_message_id = fields.Many2one("mail.message", "Message", readonly=True, ondelete="set null")
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    # Indexed: each attempt counts the rows of its mail to number itself.
    mail_id = fields.Integer(
        "Mail ID", readonly=True, index=True, help="Id of the mail.mail, which may be deleted since."
    )
    message_id = fields.Char("Message-ID", readonly=True, index=True)
    recipients = fields.Text(readonly=True)
    subject = fields.Char(readonly=True)
    attachments = fields.Text(
        readonly=True, help="One line per attachment: name, size in bytes and SHA-256 of the content sent."
    )
    attempt = fields.Integer(
        readonly=True,
        help="Rank of this attempt among all the attempts of the mail, manual retries included.",
    )
    # bounced / delayed: not an attempt, what a delivery status notification
    # (DSN) from the recipient's side said later about the attempt that was
    # sent; its mail_id, Message-ID and attempt are those of that attempt.
    state = fields.Selection(
        [("sent", "Sent"), ("failed", "Failed"), ("bounced", "Bounced"), ("delayed", "Delayed")],
        required=True,
        readonly=True,
        index=True,
    )
    failure_class = fields.Selection(
        FAILURE_CLASS_SELECTION, string="Failure class", readonly=True, index=True
    )
    failure_smtp_code = fields.Integer("SMTP code", readonly=True)
    failure_smtp_reply = fields.Text("SMTP reply", readonly=True)
    failure_reason = fields.Text(readonly=True)
    # What the DSN said, as the reporting server wrote it: not our outgoing
    # server's SMTP reply (failure_smtp_*), kept apart.
    dsn_action = fields.Char("DSN action", readonly=True, help="failed (given up) or delayed (still trying).")
    dsn_status = fields.Char(
        "DSN status", readonly=True, help="Enhanced status code of the bounce (RFC 3463), e.g. 5.1.1."
    )
    dsn_diagnostic = fields.Text(
        "Diagnostic code", readonly=True, help="The recipient's mail server reply, as the bounce quotes it."
    )
    dsn_reporting_mta = fields.Char(
        "Reporting server", readonly=True, help="The mail server that wrote the bounce."
    )
    dsn_remote_mta = fields.Char("Remote server", readonly=True, help="The server that refused the email.")
    # How the reason was made, to word it again in the reader's language:
    # the stored text is in the language of whoever ran the send (the queue
    # runs as OdooBot, in English).
    reason_code = fields.Selection(
        [
            ("attempt", "Attempt"),
            ("gave_up", "No automatic retry left"),
            ("verdict_lost", "Verdict lost"),
            ("interrupted", "Interrupted"),
        ],
        readonly=True,
    )
    failure_reason_localized = fields.Text(
        "Failure Reason (your language)", compute="_compute_failure_reason_localized"
    )
    review_needed = fields.Boolean(
        "Delivery to check",
        readonly=True,
        help="The sender stopped while the mail server may have accepted the email.",
    )
    # Several Odoo processes may run the queue (outbox/claims.py):
    # the journal, which outlives auto-deleted mails, proves each attempt
    # was claimed by one of them.
    runner = fields.Char(
        readonly=True,
        help="The Odoo process (host:pid) that claimed the email for this attempt; for an attempt set "
        "aside for review, the process that died while sending.",
    )

    @api.depends_context("lang")
    @api.depends("reason_code", "failure_class", "failure_smtp_reply", "attempt", "failure_reason")
    def _compute_failure_reason_localized(self):
        for row in self:
            row.failure_reason_localized = (
                reasons.journal_reason(
                    row.env, row.reason_code, row.failure_class, row.failure_smtp_reply, row.attempt
                )
                or row.failure_reason
            )

    @api.model
    def _log_bounce(self, vals):
        """Write the row of a bounce, as the system (the bounce comes in
        through the mail gateway's user)."""
        if vals.get("mail_message_id"):
            vals["mail_message_id"] = (
                self.env["mail.message"].sudo().browse(vals["mail_message_id"]).exists().id
            )
        return self.sudo().create(vals)

    def _mds_document(self):
        """The quotation, order or invoice whose email this row is, or None."""
        self.ensure_one()
        if not self.is_document_email or not self.model or self.model not in self.env:
            return None
        if not hasattr(self.env[self.model], "_mds_email_bounced"):
            return None
        return self.env[self.model].sudo().browse(self.res_id).exists() or None

    @api.model
    def _cron_clean(self):
        """Drop the rows older than the retention (system parameter, in days;
        0 keeps everything): the journal is proof, not an archive."""
        days = parse_retention_days(self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM))
        if days <= 0:
            return 0
        old = self.sudo().search([("date", "<", fields.Datetime.now() - datetime.timedelta(days=days))])
        count = len(old)
        old.unlink()
        return count

    # ------------------------------------------------------------------
    # Users read the rows of the documents they can read. A record rule
    # cannot say "the document is readable", so _search filters the rows
    # (read_group and search_count go through _search too) and
    # _check_access refuses the others; administrators see everything.
    # ------------------------------------------------------------------
    def _mds_sees_all(self):
        return self.env.is_superuser() or self.env.user._is_system()

    def _mds_readable_documents(self, pairs):
        """The (model, res_id) among `pairs` the current user can read."""
        by_model = {}
        for model, res_id in pairs:
            by_model.setdefault(model, set()).add(res_id)
        readable = set()
        for model, res_ids in by_model.items():
            if not model or model not in self.env:
                continue
            documents = self.env[model]
            if not documents.has_access("read"):
                continue
            found = documents.with_context(active_test=False).search([("id", "in", list(res_ids))])
            readable.update((model, res_id) for res_id in found.ids)
        return readable

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if self._mds_sees_all():
            return super()._search(domain, offset=offset, limit=limit, order=order)
        query = super()._search(domain, order=order)
        rows = self.env.execute_query(query.select("id", "model", "res_id"))
        readable = self._mds_readable_documents([(model, res_id) for _id, model, res_id in rows])
        ids = [id_ for id_, model, res_id in rows if (model, res_id) in readable]
        ids = ids[offset:]
        if limit:
            ids = ids[:limit]
        return self.browse(ids)._as_query(order)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if not self or self._mds_sees_all() or operation != "read":
            return result
        rows = self.sudo().read(["model", "res_id"])
        readable = self._mds_readable_documents([(row["model"], row["res_id"]) for row in rows])
        forbidden = self.browse(row["id"] for row in rows if (row["model"], row["res_id"]) not in readable)
        if result:
            forbidden -= result[0]
            if forbidden:
                return (result[0] + forbidden, result[1])
            return result
        if forbidden:
            return (
                forbidden,
                lambda: AccessError(
                    self.env._("You can only see the email journal of documents you can read.")
                ),
            )
        return None
