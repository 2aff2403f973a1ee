# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The delivery journal's row of an attempt, as SQL: a success's row goes
in the same statement as the rest of its outcome (outbox/outcome.py)."""

from odoo import fields

# The attempt's rank among all the attempts of the mail, manual retries
# included; an attempt set aside is the one already counted. The message
# may be gone (auto-delete of a mail that is not a notification).
INSERT = """
    INSERT INTO mail_delivery_log (
        create_uid, create_date, write_uid, write_date, date, user_id, company_id, model, res_id,
        record_name, is_document_email, mail_message_id, mail_id, message_id, recipients, subject,
        attachments, attempt, state, runner, failure_class, failure_smtp_code, failure_smtp_reply,
        failure_reason, review_needed, reason_code)
    VALUES (
        %(uid)s, %(now)s, %(uid)s, %(now)s, %(now)s, %(j_user_id)s, %(j_company_id)s, %(j_model)s,
        %(j_res_id)s, %(j_record_name)s, %(j_is_document_email)s,
        (SELECT id FROM mail_message WHERE id = %(j_mail_message_id)s), %(j_mail_id)s,
        %(j_message_id)s, %(j_recipients)s, %(j_subject)s, %(j_attachments)s,
        GREATEST(%(j_attempt)s, %(j_recount)s + (
            SELECT count(*) FROM mail_delivery_log
             WHERE %(j_mail_id)s IS NOT NULL AND mail_id = %(j_mail_id)s AND state IN ('sent', 'failed'))),
        %(j_state)s, %(j_runner)s, %(j_failure_class)s, %(j_failure_smtp_code)s, %(j_failure_smtp_reply)s,
        %(j_failure_reason)s, %(j_review_needed)s, %(j_reason_code)s);"""


def row(
    snapshot,
    state,
    lines=None,
    failure_class=None,
    code=None,
    reply=None,
    reason=None,
    review_needed=False,
    reason_code=None,
):
    """The journal row's parameters (INSERT) for one attempt. `reason_code`:
    how `reason` was made (mail.delivery.log.reason_code), to word it again
    in whoever reads it's language."""
    return {
        "j_user_id": snapshot["user_id"] or None,
        "j_company_id": snapshot["company_id"] or None,
        "j_model": snapshot["model"] or None,
        "j_res_id": snapshot["res_id"] or None,
        "j_record_name": snapshot["record_name"] or None,
        "j_is_document_email": bool(snapshot["is_document_email"]),
        "j_mail_message_id": snapshot["mail_message_id"] or None,
        "j_mail_id": snapshot["mail_id"] or None,
        "j_message_id": snapshot["message_id"] or None,
        "j_recipients": snapshot["recipients"] or None,
        "j_subject": snapshot["subject"] or None,
        "j_attachments": "\n".join(lines or []) or None,
        "j_attempt": snapshot["attempt"] or 0,
        "j_recount": 0 if review_needed else 1,
        "j_state": state,
        "j_runner": snapshot["runner"] or None,
        "j_failure_class": failure_class or None,
        "j_failure_smtp_code": code or None,
        "j_failure_smtp_reply": reply or None,
        "j_failure_reason": reason or None,
        "j_review_needed": bool(review_needed),
        "j_reason_code": reason_code or (failure_class and "attempt") or None,
    }


def write_rows(env, rows):
    """Journal rows (row()) inserted now."""
    if not rows:
        return
    env.flush_all()
    now = {"now": fields.Datetime.now(), "uid": env.uid}
    for values in rows:
        env.cr.execute(INSERT, dict(values, **now))
    env["mail.delivery.log"].invalidate_model()
