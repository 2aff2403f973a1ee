# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .mail_mail import FAILURE_TYPE_SELECTION

RETENTION_PARAM = "mail_document_send.delivery_log_retention_days"
DEFAULT_RETENTION_DAYS = 730


class MailDeliveryLog(models.Model):
    """One row per delivery attempt of a mail.mail.

    Deliberately not linked to mail.mail: auto-deleted mails vanish once
    sent, and the journal must outlive them (proof of what left, when)."""

    _name = "mail.delivery.log"
    _description = "Email delivery journal"
    _order = "date desc, id desc"
    _rec_name = "subject"

    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda self: self.env.uid)
    model = fields.Char("Document model", readonly=True, index=True)
    res_id = fields.Integer("Document ID", readonly=True, index=True)
    record_name = fields.Char("Document", readonly=True)
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
    state = fields.Selection(
        [("sent", "Sent"), ("failed", "Failed")], required=True, readonly=True, index=True
    )
    failure_type = fields.Selection(FAILURE_TYPE_SELECTION, readonly=True, index=True)
    failure_smtp_code = fields.Integer("SMTP code", readonly=True)
    failure_smtp_reply = fields.Text("SMTP reply", readonly=True)
    failure_reason = fields.Text(readonly=True)

    @api.model
    def _log_attempt(self, snapshot, state, **values):
        """Write the journal row of one attempt, as the system: the sender may
        not have the right to write the journal, the attempt happened anyway."""
        vals = dict(snapshot, state=state, **values)
        if vals.get("mail_id"):
            # A manual retry restarts the mail's retry schedule, not the
            # story of the mail: the journal keeps numbering its attempts.
            previous = self.sudo().search_count([("mail_id", "=", vals["mail_id"])])
            vals["attempt"] = max(vals.get("attempt") or 0, previous + 1)
        return self.sudo().create(vals)

    @api.model
    def _cron_clean(self):
        """Drop the rows older than the retention (system parameter, in days;
        0 keeps everything): the journal is proof, not an archive."""
        value = self.env["ir.config_parameter"].sudo().get_param(RETENTION_PARAM)
        try:
            days = int(value) if value else DEFAULT_RETENTION_DAYS
        except ValueError:
            days = DEFAULT_RETENTION_DAYS
        if days <= 0:
            return 0
        limit = fields.Datetime.from_string(fields.Datetime.now()) - datetime.timedelta(days=days)
        old = self.sudo().search([("date", "<", fields.Datetime.to_string(limit))])
        old.unlink()
        return len(old)

    # ------------------------------------------------------------------
    # Users read the rows of the documents they can read. A record rule
    # cannot say "the document is readable", so search filters the rows and
    # read checks them; administrators see everything.
    # ------------------------------------------------------------------
    def _mds_sees_all(self):
        return self.env.user._is_superuser() or self.env.user.has_group("base.group_system")

    def _mds_readable_documents(self, pairs):
        """The (model, res_id) among `pairs` that the current user can read."""
        by_model = {}
        for model, res_id in pairs:
            by_model.setdefault(model, set()).add(res_id)
        readable = set()
        for model, res_ids in by_model.items():
            if not model or model not in self.env:
                continue
            documents = self.env[model]
            if not documents.check_access_rights("read", raise_exception=False):
                continue
            found = documents.with_context(active_test=False).search([("id", "in", list(res_ids))])
            readable.update((model, res_id) for res_id in found.ids)
        return readable

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False, access_rights_uid=None):
        if access_rights_uid or self._mds_sees_all():
            return super()._search(
                args,
                offset=offset,
                limit=limit,
                order=order,
                count=count,
                access_rights_uid=access_rights_uid,
            )
        ids = super()._search(args, order=order)
        rows = self.sudo().browse(ids).read(["model", "res_id"])
        readable = self._mds_readable_documents([(row["model"], row["res_id"]) for row in rows])
        ids = [row["id"] for row in rows if (row["model"], row["res_id"]) in readable]
        if count:
            return len(ids)
        ids = ids[offset:]
        return ids[:limit] if limit else ids

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        # read_group counts and aggregates in SQL of its own, past _search
        # and read: without this, grouping would count, and name, rows of
        # documents the user cannot read. _search has applied the domain.
        if not self._mds_sees_all():
            domain = [("id", "in", self._search(domain or []))]
        return super().read_group(
            domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy
        )

    @api.multi
    def read(self, fields=None, load="_classic_read"):
        if not self._mds_sees_all():
            self.check_access_rights("read")
            rows = self.sudo().read(["model", "res_id"])
            readable = self._mds_readable_documents([(row["model"], row["res_id"]) for row in rows])
            if any((row["model"], row["res_id"]) not in readable for row in rows):
                raise AccessError(_("You can only see the email journal of documents you can read."))
        return super().read(fields=fields, load=load)
