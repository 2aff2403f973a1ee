# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mails read and prepared by chunks, through mail.mail's own
_prepare_outgoing_list (every addon's override of it called): a few
queries for the chunk instead of a few dozen per mail, since each mail's
commit empties the ORM cache. Then each prepared email built into a message
as stock's _send builds it (build_email, with the context _send gives it)."""

import psycopg2

from odoo import tools

from ..delivery.attempt import attachment_line
from ..models.mail_delivery_state_mixin import FAILED_ACTIVITY_XMLID
from . import hooks
from . import snapshot as snapshots

#: Mails read and prepared together.
CHUNK = 50


class Prepared:
    """One mail, read and prepared before its claim. `emails`: what
    _prepare_outgoing_list returned (None: not yet, or it raised, `error`);
    `write_date`: as read, to tell a mail changed before its claim;
    `built`: its messages built ahead, while the previous mail was with the
    server."""

    __slots__ = (
        "auto_delete",
        "built",
        "email_from",
        "emails",
        "error",
        "is_notification",
        "mail_id",
        "mail_server_id",
        "snapshot",
        "write_date",
    )

    def __init__(self, mail, emails, error, snapshot):
        emails_from = tools.mail.email_split_and_format_normalize(mail.email_from)
        self.mail_id = mail.id
        self.write_date = mail.write_date
        self.emails, self.error, self.snapshot = emails, error, snapshot
        self.built = None
        # Protect against an ill-formatted email_from (stock _send does too).
        self.email_from = emails_from[0] if emails_from else mail.email_from
        self.mail_server_id = mail.mail_server_id.id
        self.is_notification = mail.is_notification
        self.auto_delete = mail.auto_delete


class Preparer:
    """Prepares a batch's mails chunk by chunk. `outcome`: the batch's
    outbox.outcome.Outcome (its documents, the to-dos to close)."""

    def __init__(self, mails, mail_server, outcome):
        self.mails, self.mail_server, self.outcome = mails, mail_server, outcome
        # {subtype id: internal}, read once per batch.
        self.internal_subtypes = {}
        self.prepared = {}

    def take(self, mail_id, pending, before_claim):
        """What was prepared for mail `mail_id`, just claimed: read now with
        its chunk when not yet, read again alone when it changed since it
        was read (`before_claim`: its write date then)."""
        entry = self.prepared.pop(mail_id, None)
        if entry is None:
            # Read after this mail's claim: its data is the claimed one; the
            # chunk's others are checked at their claim.
            self.prepared = self.prepare([mail_id, *pending[: CHUNK - 1]])
            entry = self.prepared.pop(mail_id, None)
        elif entry.write_date != before_claim:
            entry = self.prepare([mail_id]).get(mail_id)
        if entry is not None and entry.emails is None and entry.error is None:
            # Prepared only now that it is claimed (hooks.PREPARE).
            entry.emails, entry.error = self._outgoing_list(self.mails.browse(mail_id), None)
        return entry

    def prepare_ahead(self, pending):
        """The next mails read, while the server digests the current one."""
        if pending and pending[0] not in self.prepared:
            self.prepared = self.prepare(pending[:CHUNK])
        return self.prepared.get(pending[0]) if pending else None

    def prepare(self, ids):
        mails = self.mails.browse(ids).exists()
        if not mails:
            return {}
        by_model = self.outcome.documents.load(mails)
        self.outcome.todo_documents |= self._documents_with_failure_todo(by_model)
        ahead = not hooks.extended_by_others(self.mails.env, hooks.PREPARE)
        follower_status = self._follower_status(mails) if ahead else None
        prepared = {}
        for mail in mails:
            emails, error = self._outgoing_list(mail, follower_status) if ahead else (None, None)
            snapshot = snapshots.take(mail, None, self.outcome.documents, self.internal_subtypes)
            prepared[mail.id] = Prepared(mail, emails, error, snapshot)
        return prepared

    def _follower_status(self, mails):
        """What stock's _send reads for the mails with an unfollow link
        (their recipients' follower status), or None: none has one."""
        with_unfollow = mails.filtered(lambda mail: mail.body_html and "/mail/unfollow" in mail.body_html)
        if not with_unfollow:
            return None
        return self.mails.env["mail.followers"]._get_mail_recipients_follower_status(with_unfollow.ids)

    def _outgoing_list(self, mail, follower_status):
        """(the emails of `mail`, None), or (None, the exception): recorded
        as the attempt's failure. `follower_status`: its chunk's, or None
        to read its own."""
        if follower_status is None:
            follower_status = self._follower_status(mail)
        try:
            emails = mail._prepare_outgoing_list(
                mail_server=self.mail_server or mail.mail_server_id,
                recipients_follower_status=follower_status,
            )
        except (MemoryError, psycopg2.Error):
            raise
        except Exception as exc:  # noqa: BLE001 - recorded as the attempt's failure
            return None, exc
        return emails, None

    def _documents_with_failure_todo(self, by_model):
        """(model, res_id) of these documents ({model: ids}) with an open
        "email not delivered" to-do, which a delivery may close."""
        env = self.mails.env
        activity_type = env.ref(FAILED_ACTIVITY_XMLID, raise_if_not_found=False)
        if not activity_type or not by_model:
            return set()
        env["mail.activity"].flush_model(["res_model", "res_id", "activity_type_id"])
        env.cr.execute(
            "SELECT res_model, res_id FROM mail_activity WHERE activity_type_id = %s AND res_model = ANY(%s)"
            " AND res_id = ANY(%s)",
            [activity_type.id, list(by_model), [res_id for ids in by_model.values() for res_id in ids]],
        )
        return set(env.cr.fetchall())


def build(env, email, email_from, alias_domain_id):
    """One prepared email as stock's _send builds it: (message, the
    ir.mail_server to send it with, the journal's attachment lines)."""
    email = dict(email)
    context = {"send_validated_to": email.pop("email_to_normalized", [])}
    if alias_domain_id:
        alias_domain = env["mail.alias.domain"].sudo().browse(alias_domain_id)
        context.update(
            domain_notifications_email=alias_domain.default_from_email,
            domain_bounce_address=email["headers"].get("Return-Path") or alias_domain.bounce_email,
        )
    mailer = env["ir.mail_server"].with_context(**context)
    message = mailer.build_email(
        email_from=email_from,
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
    # The bytes put in the message, as build_email got them.
    lines = [attachment_line(name, data) for name, data, *_rest in email["attachments"] or []]
    return message, mailer, lines
