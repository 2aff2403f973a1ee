# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""parse_dsn: which reader reads a bounce, and what the readers share."""

import re

from . import mime, report, text
from .message_id import original_ids, per_message_id
from .model import DeliveryReport
from .ses import parse_ses
from .values import address, host

_DAEMON_RE = re.compile(r"mailer-daemon|postmaster|mail delivery|mail-daemon|mailer@", re.I)


def parse_dsn(message):
    """Parse a bounce; return a DeliveryReport, or None when `message` is
    not one we can read (no recipient status found).

    `message`: the raw bytes or str of the whole mail, or an
    `email.message.Message` (Odoo's `message_process` hands over an
    EmailMessage parsed with `policy.SMTP`).
    """
    message = mime.as_message(message)
    if mime.find_part(message, mime.FEEDBACK_PART) is not None:
        return None  # a feedback-loop (ARF) report: a complaint, no bounce
    bounce_text = mime.text_of(message)
    part = mime.find_part(message, mime.REPORT_PART)
    if part is not None:
        per_message, blocks = report.read_fields(report.report_text(part))
        found = _from_fields(message, bounce_text, per_message, blocks, "rfc3464")
        if found is not None:
            return found
    found = parse_ses(bounce_text)
    if found is not None or _is_auto_reply(message):
        return found
    return _from_text(message, bounce_text)


def _from_fields(message, bounce_text, per_message, blocks, source, text_fallback=True):
    """A report from delivery-status fields; the recipient of a block that
    names none comes from the text or X-Failed-Recipients. With no
    recipient at all, the prose is read instead (unless the fields came
    from the prose: `text_fallback` False)."""
    reporting = host(per_message.get("reporting-mta"))
    statuses = [report.recipient_status(block, reporting) for block in blocks]
    anonymous = [block for block, status in zip(blocks, statuses, strict=True) if status is None]
    statuses = [status for status in statuses if status is not None]
    if anonymous:
        named = {status.recipient for status in statuses}
        fallback = [rcpt for rcpt in _addresses_elsewhere(message, bounce_text) if rcpt not in named]
        for index, rcpt in enumerate(fallback):
            block = anonymous[min(index, len(anonymous) - 1)]
            statuses.append(report.recipient_status(block, reporting, fallback_address=rcpt))
    if not statuses:
        found = _from_text(message, bounce_text) if text_fallback else None
        if found is None:
            return None
        statuses, source = list(found.recipients), found.source
        reporting = reporting or found.reporting_mta
    original_id, microsoft_id = original_ids(message, bounce_text)
    return DeliveryReport(
        recipients=tuple(statuses),
        # Gmail names the bounced mail in the per-message block.
        original_message_id=original_id or per_message_id(per_message.get("x-original-message-id")),
        microsoft_original_message_id=microsoft_id,
        reporting_mta=reporting,
        source=source,
    )


def _addresses_elsewhere(message, bounce_text):
    prose = text.prose_of(mime.split_copy(bounce_text)[0])
    found = [rcpt for rcpt, _lines in text.recipients_in(prose, _own_addresses(message))]
    named = set(found)
    return found + [rcpt for rcpt in failed_recipients(message) if rcpt not in named]


def failed_recipients(message):
    """The addresses of X-Failed-Recipients (Exim, Gmail), pipes and files
    left out."""
    found = {}
    for value in message.get_all("X-Failed-Recipients") or []:
        for item in str(value).split(","):
            found.setdefault(address(item), None)
    return [rcpt for rcpt in found if rcpt]


def _own_addresses(message):
    """The bounce's own To and From: never a failed recipient."""
    values = (message.get_all("To") or []) + (message.get_all("From") or [])
    return {address(item) for value in values for item in str(value).split(",")} - {""}


def _from_text(message, bounce_text):
    """A bounce without a readable report: its prose, its DSN fields in the
    text (Amazon WorkMail), or X-Failed-Recipients."""
    prose = text.prose_of(mime.split_copy(bounce_text)[0])
    if re.search(r"^[ \t]*Final-Recipient[ \t]*:", prose, re.I | re.M):
        per_message, blocks = report.read_fields(prose)
        if blocks:
            found = _from_fields(message, bounce_text, per_message, blocks, "text", text_fallback=False)
            if found is not None and found.recipients:
                return found
    failed = failed_recipients(message)
    kind = text.kind_of(prose + "\n" + str(message.get("Subject") or ""))
    if not kind and not failed:
        return None
    found = text.recipients_in(prose, _own_addresses(message))
    named = {rcpt for rcpt, _lines in found}
    found += [(rcpt, []) for rcpt in failed if rcpt not in named]
    if not found:
        return None
    reporting = text.reporting_mta(prose)
    statuses = text.recipient_statuses(prose, found, kind, reporting)
    original_id, microsoft_id = original_ids(message, bounce_text)
    return DeliveryReport(
        recipients=tuple(statuses),
        original_message_id=original_id,
        microsoft_original_message_id=microsoft_id,
        reporting_mta=reporting,
        source="qmail" if "qmail-send program" in prose else "text",
    )


def _is_auto_reply(message):
    """An RFC 3834 automatic reply (out of office...): it names no failed
    recipient. MTAs mark their bounces "auto-replied" too: a bounce comes
    from a mailer daemon or postmaster."""
    auto = str(message.get("Auto-Submitted") or "").strip().lower()
    flagged = auto.startswith("auto-replied") or any(
        message.get(name) for name in ("X-Autoreply", "X-Autorespond")
    )
    flagged = flagged or str(message.get("Precedence") or "").strip().lower() == "auto_reply"
    return flagged and not _DAEMON_RE.search(str(message.get("From") or ""))
