# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, html_escape

DELIVERY_STATES = [
    ("none", "Not emailed"),
    ("queued", "Email queued"),
    ("sent", "Email sent"),
    ("failed", "Email failed"),
    ("bounced", "Email bounced"),
]
FAILED_ACTIVITY_XMLID = "mail_document_send.mail_activity_type_email_failed"
#: Messages whose emails are the document's own: a send from the composer or
#: the invoice wizard (comment), a mail.mail created by code (email_outgoing).
#: Not notifications to one user (activity assigned), nor internal notes.
DOCUMENT_MESSAGE_TYPES = ("comment", "email_outgoing")


class MailDeliveryStateMixin(models.AbstractModel):
    """Where the last email of a document stands, and what its people are told.

    The state is computed, not stored: it reads the mails still queued and
    the delivery journal, which outlives auto-deleted mails, so it stays right
    without a write on the document at each attempt (documents are often
    being edited while the queue sends)."""

    _name = "mail.delivery.state.mixin"
    _description = "Email delivery state of a document"

    email_delivery_state = fields.Selection(
        DELIVERY_STATES,
        string="Email delivery",
        compute="_compute_email_delivery_state",
        search="_search_email_delivery_state",
        help="The last email of this document: waiting to be sent (or retried), sent, failed for good, "
        "or bounced (accepted by the outgoing server, then refused by the recipient's).",
    )
    # The journal is internal users' only: a portal customer reading all the
    # fields of their quotation over RPC is not refused for this one.
    email_delivery_log_count = fields.Integer(
        "Emails", compute="_compute_email_delivery_log_count", groups="base.group_user"
    )

    # Counted through the user's own search: only rows they may read, in
    # the companies they work in. Keyed on both, or a count made as another
    # user (or sudo) or for other companies in the same transaction is
    # served from the cache.
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_email_delivery_log_count(self):
        groups = self.env["mail.delivery.log"]._read_group(
            [("model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"]
        )
        counts = dict(groups)
        for record in self:
            record.email_delivery_log_count = counts.get(record.id, 0)

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
        if "none" in wanted:
            return [("id", "not in", [res_id for res_id, state in states.items() if state not in wanted])]
        return [("id", "in", [res_id for res_id, state in states.items() if state in wanted])]

    def action_view_email_delivery_log(self):
        """Emails smart button: the delivery journal of this document."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("mail_document_send.mail_delivery_log_action")
        action["domain"] = [("model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def _mds_journal_states(self, res_ids=None):
        """{res_id: 'sent', 'failed' or 'bounced'}: the journal's last word on
        the last email of each document."""
        self.env["mail.delivery.log"].flush_model()
        only = SQL(" AND res_id = ANY(%s)", list(res_ids)) if res_ids is not None else SQL()
        # The last email of a document is one message (one Message-ID) sent
        # as one mail per recipient: it failed if the last attempt of any of
        # its mails failed, whichever recipient was tried last. A bounce row
        # is the last word on the attempt it answers, until the mail is sent
        # again; a delay warning (soft bounce) says nothing yet; the last
        # email is the last one sent, not the last one a bounce came back for.
        rows = self.env.execute_query(
            SQL(
                """
            WITH last_message AS (
                SELECT DISTINCT ON (res_id) res_id, message_id FROM mail_delivery_log
                 WHERE model = %(model)s AND is_document_email AND state IN ('sent', 'failed') %(only)s
              ORDER BY res_id, id DESC
            ), last_attempt AS (
                SELECT DISTINCT ON (log.mail_id) log.res_id, log.state FROM mail_delivery_log log
                  JOIN last_message last ON last.res_id = log.res_id
                   AND log.message_id IS NOT DISTINCT FROM last.message_id
                 WHERE log.model = %(model)s AND log.is_document_email AND log.state != 'delayed'
              ORDER BY log.mail_id, log.id DESC
            )
            SELECT res_id, CASE WHEN bool_or(state = 'failed') THEN 'failed'
                                WHEN bool_or(state = 'bounced') THEN 'bounced' ELSE 'sent' END
              FROM last_attempt GROUP BY res_id
            """,
                model=self._name,
                only=only,
            )
        )
        return dict(rows)

    @api.model
    def _mds_delivery_states(self, res_ids=None):
        """{res_id: state} of the documents that have had an email."""
        states = self._mds_journal_states(res_ids)
        self.env["mail.mail"].flush_model(["state", "mail_message_id"])
        self.env["mail.message"].flush_model(["model", "res_id", "message_type", "subtype_id"])
        # A document email waiting for its (re)try wins over the journal.
        queued = self.env.execute_query(
            SQL(
                """
            SELECT DISTINCT msg.res_id FROM mail_mail mail
              JOIN mail_message msg ON msg.id = mail.mail_message_id
              LEFT JOIN mail_message_subtype subtype ON subtype.id = msg.subtype_id
             WHERE mail.state = 'outgoing' AND msg.model = %(model)s
               AND msg.message_type IN %(types)s AND NOT COALESCE(subtype.internal, FALSE)
               %(only)s
            """,
                model=self._name,
                types=DOCUMENT_MESSAGE_TYPES,
                only=SQL(" AND msg.res_id = ANY(%s)", list(res_ids)) if res_ids is not None else SQL(),
            )
        )
        for (res_id,) in queued:
            states[res_id] = "queued"
        return states

    # ------------------------------------------------------------------
    # Failure for good: one note for every internal follower, one to-do
    # ------------------------------------------------------------------
    def _mds_failure_activity_user(self):
        """Who must act on a failed email: the document's salesperson."""
        self.ensure_one()
        return self.env["res.users"]

    def _mds_reader(self):
        """Who reads the note and the to-do of a failure: the document's
        salesperson, else whoever created it. The queue's cron and the mail
        gateway run as OdooBot, in English: the text is written in the
        reader's language, not in the language of whoever ran the job."""
        self.ensure_one()
        return self._mds_failure_activity_user() or self.create_uid

    def _mds_email_failed(self, snapshot, reason, activity=True):
        """`reason`: the text, or a function giving it for an environment
        (in that environment's language)."""
        self.ensure_one()
        reader = self._mds_reader()
        localized = self.with_context(lang=reader.lang or self.env.lang)
        if callable(reason):
            reason = reason(localized.env)
        localized._mds_post_failure(snapshot, reason, reader, activity)

    def _mds_post_failure(self, snapshot, reason, reader, activity):
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._(
                'The email "%(subject)s" to %(recipients)s could not be delivered.',
                subject=snapshot.get("subject") or "",
                recipients=snapshot.get("recipients") or "",
            ),
            Markup("<br/>").join((reason or "").split("\n")),
        )
        # Stock shows a failure only to the message's author: every internal
        # follower gets this note (inbox or email, as each chose). Queued, not
        # sent inside the send that just failed.
        followers = self.message_partner_ids.filtered(
            lambda partner: partner.user_ids and not partner.partner_share
        )
        self.with_context(mail_notify_force_send=False).message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            message_type="comment",
            partner_ids=followers.ids,
        )
        if not activity:
            return
        activity_type = self.env.ref(FAILED_ACTIVITY_XMLID)
        if self.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type):
            return  # one open to-do per document is enough
        # Scheduled in the reader's language: stock's "assigned to you" mail
        # takes its subject from it.
        self.activity_schedule(
            FAILED_ACTIVITY_XMLID,
            summary=self.env._("Email not delivered: %(subject)s", subject=snapshot.get("subject") or ""),
            note=Markup("<p>%s</p>") % html_escape(reason or ""),
            user_id=reader.id or self.env.uid,
        )

    def _mds_email_bounced(self, snapshot, reason):
        """The recipient's server refused an email the outgoing server had
        accepted: the same note and to-do as a failure, for the document's
        last email. A bounce of an earlier email (the document was sent
        again since) gets the note only: the to-do would stay open on a
        document whose last email went through."""
        self.ensure_one()
        last_refused = self._mds_journal_states([self.id]).get(self.id) in ("failed", "bounced")
        return self._mds_email_failed(snapshot, reason, activity=last_refused)

    def _mds_email_delivered(self, snapshot):
        self.ensure_one()
        activity_type = self.env.ref(FAILED_ACTIVITY_XMLID)
        activities = self.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)
        if not activities:
            return
        # One mail per recipient: the accountant's copy delivered after the
        # customer's was refused does not settle the to-do.
        # Nor does a delivery while another recipient's copy bounced.
        if self._mds_journal_states([self.id]).get(self.id) in ("failed", "bounced"):
            return
        # Not action_feedback(): its "done" message may be emailed to
        # followers, a new mail queued for each success.
        activities.unlink()
        localized = self.with_context(lang=self._mds_reader().lang or self.env.lang)
        localized.message_post(
            body=localized.env._(
                'The email "%(subject)s" was delivered.', subject=snapshot.get("subject") or ""
            ),
            subtype_xmlid="mail.mt_note",
            message_type="comment",
        )
