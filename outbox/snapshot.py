# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the journal keeps of an attempt, read from the mail before it is
sent (an auto-deleted mail is gone after), and the document it is about."""

from ..delivery.attempt import attachment_line
from ..models.mail_delivery_state_mixin import DOCUMENT_MESSAGE_TYPES


class Documents:
    """The documents of a batch's mails, found once: {(model, res_id):
    record}, None when it is gone. Each mail's commit empties the ORM cache;
    this does not."""

    def __init__(self, env):
        self.env = env
        self.found = {}

    def load(self, mails):
        by_model = {}
        for mail in mails:
            if mail.model and mail.res_id and mail.model in self.env:
                by_model.setdefault(mail.model, set()).add(mail.res_id)
        for model, res_ids in by_model.items():
            records = self.env[model].sudo().browse(list(res_ids)).exists()
            self.found.update(((model, res_id), None) for res_id in res_ids)
            self.found.update(((model, record.id), record) for record in records)
        return by_model

    def get(self, model, res_id):
        if not model or not res_id or model not in self.env:
            return None
        if (model, res_id) not in self.found:
            self.found[(model, res_id)] = self.env[model].sudo().browse(res_id).exists() or None
        document = self.found[(model, res_id)]
        # A document of this batch read in an earlier transaction: the
        # record is rebound to today's environment.
        return document.with_env(self.env).sudo() if document is not None else None

    def of_snapshot(self, snapshot):
        """The quotation, order or invoice a document email is about, or
        None (an internal note, a model without a delivery state)."""
        model = snapshot.get("model")
        if not snapshot.get("is_document_email") or not model or model not in self.env:
            return None
        if not hasattr(self.env[model], "_mds_email_failed"):
            return None
        return self.get(model, snapshot.get("res_id"))


def take(mail, attempt, documents, internal_subtypes):
    """The journal's view of `mail` for this attempt. `internal_subtypes`:
    {subtype id: internal}, read once per batch."""
    mail = mail.sudo()
    recipients = [mail.email_to or "", mail.email_cc or ""]
    recipients += [partner.email or partner.name for partner in mail.recipient_ids]
    company = False
    document_name = mail.record_name
    document = documents.get(mail.model, mail.res_id)
    if document is not None:
        company = "company_id" in document._fields and document.company_id.id
        document_name = document.display_name
    subtype = mail.mail_message_id.subtype_id
    if subtype.id not in internal_subtypes:
        internal_subtypes[subtype.id] = bool(subtype.internal)
    return {
        "company_id": company or False,
        # The person behind the attempt: the sender, or who retried it.
        "user_id": (mail.retry_user_id or mail.create_uid or mail.env.user).id,
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
        # Internal notes (the failure note itself, tracking) are not emails
        # of the document to its customer.
        "is_document_email": bool(
            mail.model
            and mail.res_id
            and not internal_subtypes[subtype.id]
            and mail.message_type in DOCUMENT_MESSAGE_TYPES
        ),
    }


def stored_attachment_lines(mail):
    """The journal's lines of the attachments as stored: what an attempt
    that failed before its message was built would have sent."""
    mail = mail.sudo().exists()
    if not mail:
        return []
    return [
        attachment_line(att["name"], att["raw"] or b"") for att in mail.attachment_ids.read(["name", "raw"])
    ]
