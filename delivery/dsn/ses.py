# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Amazon SES bounce notifications mailed as JSON (an SNS e-mail
subscription, or SES's own JSON notification): the JSON carries the
recipients, their action, status and diagnostic, and the original
Message-ID in `mail.commonHeaders.messageId` or `mail.headers`."""

import json

from .model import DELAYED, DELIVERED, FAILED, DeliveryReport, RecipientStatus, clean
from .status import status_from_text
from .values import address, host, message_id

#: A JSON notification is small; a larger text part is no notification.
MAX_JSON = 1024 * 1024


def parse_ses(text):
    """A DeliveryReport from an SES notification, else None. A complaint
    (feedback loop) is no bounce: None."""
    notice = _notice(text)
    kind = notice.get("notificationType") or notice.get("eventType")
    if kind == "Bounce":
        bounce = notice.get("bounce") or {}
        permanent = bounce.get("bounceType") == "Permanent"
        items = bounce.get("bouncedRecipients") or []
        reporting = host(bounce.get("reportingMTA"))
        statuses = [_status(item, FAILED if permanent else DELAYED, reporting) for item in items]
    elif kind == "Delivery":
        delivery = notice.get("delivery") or {}
        reporting = host(delivery.get("reportingMTA"))
        statuses = [_delivered(rcpt, reporting) for rcpt in delivery.get("recipients") or []]
    else:
        return None
    statuses = [s for s in statuses if s.recipient]
    if not statuses:
        return None
    return DeliveryReport(
        recipients=tuple(statuses),
        original_message_id=_original_id(notice.get("mail") or {}),
        reporting_mta=reporting,
        source="ses-json",
    )


def _notice(text):
    text = (text or "").strip()
    if not text.startswith("{") or len(text) > MAX_JSON:
        return {}
    try:
        notice = json.loads(text)
        if isinstance(notice.get("Message"), str):  # the SNS envelope
            notice = json.loads(notice["Message"])
    except (ValueError, AttributeError):
        return {}
    return notice if isinstance(notice, dict) else {}


def _status(item, action, reporting):
    """SES's own action ("failed") is kept for a permanent bounce; a
    transient one (mailbox full, the server busy) is soft."""
    if not isinstance(item, dict):
        item = {}
    diagnostic = clean(item.get("diagnosticCode"))
    diagnostic_type = ""
    if ";" in diagnostic:
        diagnostic_type, diagnostic = (s.strip() for s in diagnostic.split(";", 1))
    status = status_from_text(clean(item.get("status"))) or status_from_text(diagnostic)
    return RecipientStatus(
        recipient=address(item.get("emailAddress")),
        action=action,
        status=status or ("5.0.0" if action == FAILED else "4.0.0"),
        diagnostic_code=diagnostic,
        diagnostic_type=diagnostic_type.lower(),
        reporting_mta=reporting,
    )


def _delivered(rcpt, reporting):
    return RecipientStatus(recipient=address(rcpt), action=DELIVERED, status="2.0.0", reporting_mta=reporting)


def _original_id(mail):
    common = mail.get("commonHeaders") or {}
    found = message_id(common.get("messageId"))
    if found:
        return found
    for header in mail.get("headers") or []:
        if isinstance(header, dict) and clean(header.get("name")).lower() == "message-id":
            return message_id(header.get("value"))
    return ""
