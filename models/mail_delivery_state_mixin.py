# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

DELIVERY_STATES = [
    ("none", "Not emailed"),
    ("queued", "Email queued"),
    ("sent", "Email sent"),
    ("failed", "Email failed"),
]


class MailDeliveryStateMixin(models.AbstractModel):
    """Where the last email of a document stands.

    Computed, not stored: it reads the mails still queued and the delivery
    journal, which outlives auto-deleted mails, so it stays right without a
    write on the document at each attempt (documents are often locked by
    users while the cron sends)."""

    _name = "mail.delivery.state.mixin"
    _description = "Email delivery state of a document"

    email_delivery_state = fields.Selection(
        DELIVERY_STATES,
        string="Email delivery",
        compute="_compute_email_delivery_state",
        search="_search_email_delivery_state",
        help="The last email of this document: waiting to be sent (or retried), sent, or failed for good.",
    )

    email_delivery_log_count = fields.Integer("Emails", compute="_compute_email_delivery_log_count")

    def _compute_email_delivery_log_count(self):
        # sudo: counting is harmless, the rows themselves are filtered on read.
        Log = self.env["mail.delivery.log"].sudo()
        for record in self:
            record.email_delivery_log_count = Log.search_count(
                [("model", "=", self._name), ("res_id", "=", record.id)]
            )

    @api.multi
    def action_view_email_delivery_log(self):
        """Emails smart button: the delivery journal of this document."""
        self.ensure_one()
        action = self.env.ref("mail_document_send.mail_delivery_log_action").read()[0]
        action["domain"] = [("model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def _mds_delivery_states(self, res_ids=None):
        """{res_id: state} for the documents that have had an email."""
        where, params = "", [self._name]
        if res_ids is not None:
            where, params = " AND res_id IN %s", [self._name, tuple(res_ids) or (0,)]
        # The last email of a document is one message (one Message-ID) sent
        # as one mail per recipient: it failed if any of its mails' last
        # attempt failed, whichever recipient was tried last.
        self.env.cr.execute(
            "WITH last_message AS ("
            " SELECT DISTINCT ON (res_id) res_id, message_id FROM mail_delivery_log"
            " WHERE model = %s" + where + " ORDER BY res_id, id DESC"
            "), last_attempt AS ("
            " SELECT DISTINCT ON (log.mail_id) log.res_id, log.state FROM mail_delivery_log log"
            " JOIN last_message last ON last.res_id = log.res_id"
            " AND log.message_id IS NOT DISTINCT FROM last.message_id"
            " WHERE log.model = %s ORDER BY log.mail_id, log.id DESC"
            ") SELECT res_id, CASE WHEN bool_or(state = 'failed') THEN 'failed' ELSE 'sent' END"
            " FROM last_attempt GROUP BY res_id",
            params + [self._name],
        )
        states = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            "SELECT DISTINCT msg.res_id FROM mail_mail mail "
            "JOIN mail_message msg ON msg.id = mail.mail_message_id "
            "WHERE mail.state = 'outgoing' AND msg.model = %s" + where.replace("res_id", "msg.res_id"),
            params,
        )
        # A mail waiting for its (re)try wins over the journal's last word.
        for (res_id,) in self.env.cr.fetchall():
            states[res_id] = "queued"
        return states

    @api.depends()
    def _compute_email_delivery_state(self):
        states = self._mds_delivery_states([rid for rid in self.ids if isinstance(rid, int)])
        for record in self:
            record.email_delivery_state = states.get(record.id, "none")

    @api.model
    def _search_email_delivery_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            return [("id", "=", 0)]
        wanted = {value} if isinstance(value, str) else set(value or ())
        if operator in ("!=", "not in"):
            wanted = {key for key, _label in DELIVERY_STATES} - wanted
        states = self._mds_delivery_states()
        ids = [res_id for res_id, state in states.items() if state in wanted]
        if "none" in wanted:
            return [("id", "not in", [res_id for res_id, state in states.items() if state not in wanted])]
        return [("id", "in", ids)]
