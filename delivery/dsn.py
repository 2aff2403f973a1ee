# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Delivery status notifications (bounces), read without Odoo.

A 250 from the outgoing server is not delivery: the recipient's server may
refuse the mail later, and its refusal comes back to the bounce address as a
delivery status notification (DSN). `parse_dsn` turns such a message into a
`DeliveryReport`: one `RecipientStatus` per recipient (address, action,
status, hard or soft, diagnostic code, reporting and remote MTA) and the
Message-ID of the mail that bounced.

Stock Odoo 18 already decides that a message *is* a bounce
(`mail.thread._detect_is_bounce`) and finds the bounced `mail.message`
(`_get_bounced_message_data`), but it reads only the first recipient block
of the report and ignores its Action and Status: a "delayed" warning counts
as a bounce there, and a report naming three recipients bounces one. This
module reads every recipient block, tells failed from delayed, and also
understands the two shapes stock cannot read at all: the plain-text qmail
bounce and a report whose delivery-status part is empty (Gmail does that).

Formats: RFC 3464 `multipart/report; report-type=delivery-status` (Postfix,
Exim, Microsoft 365 / Exchange, Gmail, Sendmail...), the original message
as `message/rfc822` or only its headers as `text/rfc822-headers`, and
qmail's "Hi. This is the qmail-send program" text.

Every string returned is unfolded to one line with control characters
removed: a bounce is written by a stranger, and its values end up in
journal rows, chatter notes and activity summaries.
"""

import base64
import email
import email.policy
import quopri
import re
from dataclasses import dataclass

FAILED = "failed"
DELAYED = "delayed"
DELIVERED = "delivered"
RELAYED = "relayed"
EXPANDED = "expanded"
ACTIONS = (FAILED, DELAYED, DELIVERED, RELAYED, EXPANDED)

HARD = "hard"
SOFT = "soft"

_STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_BASIC_CODE_RE = re.compile(r"(?<!\d)([245])\d\d(?![\d.])")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_ADDRESS_RE = re.compile(r"<?([^\s<>;,\"]+@[^\s<>;,\"]+?)>?[.:]?$")
_MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")
# qmail's plain-text bounce: "Hi. This is the qmail-send program at host."
_QMAIL_START_RE = re.compile(r"This is the qmail-send program at ([^\s]+?)\.?\s*$", re.M)
_QMAIL_COPY_MARKERS = (
    "--- Below this line is a copy of the message.",
    "--- Below this line is the original bounce.",
    "--- Enclosed are the original headers of the message.",
)
_ORIGINAL_PARTS = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")


def _clean(value):
    """One line, no control character, no surrounding blanks."""
    if value is None:
        return ""
    return " ".join(_CONTROL_RE.sub(" ", str(value)).split())


def _typed_value(value):
    """'dns; mx.example.com' -> 'mx.example.com' (RFC 3464 `type; value`)."""
    value = _clean(value)
    if ";" in value:
        value = value.split(";", 1)[1].strip()
    return value


def _host(value):
    """'dns; mx.example.com. (192.0.2.1, the server for the domain ...)'
    -> 'mx.example.com' (Gmail adds the comment)."""
    value = _typed_value(value)
    return value.split(" ", 1)[0].rstrip(".") if value else ""


def _address(value):
    """'rfc822; <Customer@Example.com>' -> 'customer@example.com'."""
    value = _typed_value(value)
    match = _ADDRESS_RE.search(value)
    return match.group(1).lower() if match else value.strip("<>").lower()


def status_from_text(text):
    """The first enhanced status code (RFC 3463) in `text`, else one made
    from a basic SMTP reply code (550 -> 5.0.0), else ""."""
    text = text or ""
    match = _STATUS_RE.search(text)
    if match:
        return ".".join(match.groups())
    match = _BASIC_CODE_RE.search(text)
    if match:
        return match.group(1) + ".0.0"
    return ""


def severity(action, status):
    """HARD when the MTA gave up on the recipient, SOFT while it still tries.

    `Action: failed` is final whatever the status class: Postfix reports a
    message that expired in its queue as failed with a 4.x.x status (the
    last temporary error), and that mail will never arrive either.
    `Action: delayed` is a warning: the MTA keeps trying. Without an Action
    field the status class decides (5 -> hard, 4 -> soft). Delivered,
    relayed and expanded are no bounce (None).
    """
    if action == FAILED:
        return HARD
    if action == DELAYED:
        return SOFT
    if not action:
        if status.startswith("5."):
            return HARD
        if status.startswith("4."):
            return SOFT
    return None


@dataclass(frozen=True)
class RecipientStatus:
    """What one report says about one recipient."""

    recipient: str
    action: str
    status: str
    diagnostic_code: str = ""
    diagnostic_type: str = ""
    reporting_mta: str = ""
    remote_mta: str = ""
    original_recipient: str = ""

    @property
    def severity(self):
        return severity(self.action, self.status)

    @property
    def is_hard(self):
        return self.severity == HARD

    @property
    def is_soft(self):
        return self.severity == SOFT


@dataclass(frozen=True)
class DeliveryReport:
    """A parsed bounce: the recipients it reports on and the bounced mail."""

    recipients: tuple = ()
    #: Message-ID of the bounced mail as the reporting server saw it.
    original_message_id: str = ""
    #: Exchange Online replaces the Message-ID of mail relayed through it and
    #: keeps the sender's one in this header.
    microsoft_original_message_id: str = ""
    reporting_mta: str = ""
    #: "rfc3464" for a standard report, "qmail" or "text" when read from prose.
    source: str = "rfc3464"

    @property
    def message_ids(self):
        """Every Message-ID the bounced mail may be known by here, the
        sender's own (Microsoft's header) first."""
        ids = [self.microsoft_original_message_id, self.original_message_id]
        return [mid for i, mid in enumerate(ids) if mid and mid not in ids[:i]]

    def hard(self):
        return [r for r in self.recipients if r.is_hard]

    def soft(self):
        return [r for r in self.recipients if r.is_soft]

    def for_recipient(self, address):
        address = (address or "").strip().lower()
        return [r for r in self.recipients if r.recipient == address]


# ---------------------------------------------------------------------------
# Entry point


def parse_dsn(message):
    """Parse a bounce; return a DeliveryReport, or None when `message` is
    not one we can read (no recipient status found).

    `message`: the raw bytes or str of the whole mail, or an
    `email.message.Message` (Odoo's `message_process` hands over an
    EmailMessage parsed with `policy.SMTP`).
    """
    if isinstance(message, bytes):
        message = email.message_from_bytes(message, policy=email.policy.default)
    elif isinstance(message, str):
        message = email.message_from_string(message, policy=email.policy.default)
    report = _parse_rfc3464(message)
    if report is None:
        report = _parse_qmail(message)
    if report is None:
        report = _parse_text_fallback(message)
    return report


# ---------------------------------------------------------------------------
# RFC 3464


def _field_blocks(part):
    """The field blocks of a message/delivery-status part, as lists of
    (lowercase name, value) pairs: the per-message block first."""
    payload = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
    if isinstance(payload, list) and encoding in ("base64", "quoted-printable"):
        # Some MTAs encode the report; the email package then parses the
        # encoded text as field blocks (garbage). Decode it and split it here.
        encoded = "\n".join(
            "".join("%s:%s\n" % item for item in block.raw_items()) + "\n" + str(block.get_payload())
            for block in payload
        ).encode("ascii", "replace")
        decoded = base64.b64decode(encoded) if encoding == "base64" else quopri.decodestring(encoded)
        return _split_blocks(decoded.decode("utf-8", "replace"))
    if isinstance(payload, list):
        # The email package parses message/delivery-status into one
        # Message per block; keep the raw values (no header-registry parsing).
        return [[(name.lower(), _raw_header(block, name)) for name in block.keys()] for block in payload]
    if isinstance(payload, str):
        text = part.get_payload(decode=True) or b""
        return _split_blocks(text.decode("utf-8", "replace"))
    return []


def _raw_header(block, name):
    values = block.get_all(name) or [""]
    # With the default policy a value is a header object; str() gives the
    # decoded text. Several occurrences: keep the first (RFC 3464 allows one).
    return str(values[0])


def _split_blocks(text):
    """Split RFC 822-style field blocks separated by blank lines."""
    blocks, block = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if block:
                blocks.append(block)
            block = []
            continue
        if line[:1] in (" ", "\t") and block:
            name, value = block[-1]
            block[-1] = (name, value + " " + line.strip())
            continue
        if ":" in line:
            name, value = line.split(":", 1)
            block.append((name.strip().lower(), value.strip()))
    if block:
        blocks.append(block)
    return blocks


def _parse_rfc3464(message):
    dsn_part = next(
        (p for p in message.walk() if p.get_content_type() == "message/delivery-status"),
        None,
    )
    if dsn_part is None:
        return None
    blocks = [dict(b) for b in _field_blocks(dsn_part) if b]
    per_message = {}
    if blocks and "final-recipient" not in blocks[0] and "original-recipient" not in blocks[0]:
        per_message = blocks.pop(0)
    reporting_mta = _host(per_message.get("reporting-mta"))
    recipients = []
    for block in blocks:
        rcpt = block.get("final-recipient") or block.get("original-recipient")
        if not rcpt:
            continue
        diagnostic = _clean(block.get("diagnostic-code"))
        diagnostic_type = ""
        if ";" in diagnostic:
            diagnostic_type, diagnostic = (s.strip() for s in diagnostic.split(";", 1))
        status = _best_status(status_from_text(_clean(block.get("status"))), status_from_text(diagnostic))
        action = _clean(block.get("action")).lower()
        if action not in ACTIONS:
            action = _action_from_status(status)
        recipients.append(
            RecipientStatus(
                recipient=_address(rcpt),
                original_recipient=_address(block["original-recipient"])
                if block.get("original-recipient")
                else "",
                action=action,
                status=status,
                diagnostic_code=diagnostic,
                diagnostic_type=diagnostic_type.lower(),
                reporting_mta=reporting_mta,
                remote_mta=_host(block.get("remote-mta")),
            )
        )
    original_id, microsoft_id = _original_ids(message)
    if not original_id:
        # Gmail names the bounced mail in the per-message block.
        original_id = _message_id(per_message.get("x-original-message-id"))
    if not recipients:
        # An empty delivery-status part (Gmail sends some): fall back on
        # X-Failed-Recipients and the human-readable text.
        fallback = _parse_text_fallback(message)
        if fallback is None:
            return None
        return DeliveryReport(
            recipients=fallback.recipients,
            original_message_id=original_id or fallback.original_message_id,
            microsoft_original_message_id=microsoft_id,
            reporting_mta=reporting_mta or fallback.reporting_mta,
            source="text",
        )
    return DeliveryReport(
        recipients=tuple(recipients),
        original_message_id=original_id,
        microsoft_original_message_id=microsoft_id,
        reporting_mta=reporting_mta,
        source="rfc3464",
    )


def _best_status(reported, diagnosed):
    """The Status field, made precise by the remote server's own code.

    Exim writes `Status: 5.0.0` for every failure and leaves the remote
    server's "550 5.1.1" in Diagnostic-Code: a generic x.0.0 gives way to a
    code of the same class found in the diagnostic.
    """
    if not reported:
        return diagnosed
    if reported.endswith(".0.0") and diagnosed[:1] == reported[:1] and not diagnosed.endswith(".0.0"):
        return diagnosed
    return reported


def _action_from_status(status):
    return {"5": FAILED, "4": DELAYED, "2": DELIVERED}.get(status[:1], "")


# ---------------------------------------------------------------------------
# The original message


def _message_id(value):
    value = _clean(value)
    match = _MESSAGE_ID_RE.search(value)
    if match:
        return match.group(0)
    return value


def _headers_of(part):
    """The headers of the bounced mail held by a message/rfc822 or
    text/rfc822-headers part, as an email.message.Message."""
    ctype = part.get_content_type()
    payload = part.get_payload()
    if ctype == "message/rfc822" and isinstance(payload, list) and payload:
        return payload[0]
    raw = part.get_payload(decode=True)
    if raw is None:
        raw = str(payload or "").encode("utf-8", "replace")
    # Only the header block matters (a body could hold "Message-ID:" text).
    head = re.split(rb"\r?\n\r?\n", raw.lstrip(b"\r\n"), maxsplit=1)[0]
    return email.message_from_bytes(head + b"\n\n", policy=email.policy.compat32)


def _original_ids(message):
    part = next((p for p in message.walk() if p.get_content_type() in _ORIGINAL_PARTS), None)
    if part is None:
        return "", ""
    headers = _headers_of(part)
    return (
        _message_id(headers.get("Message-ID")),
        _message_id(headers.get("X-Microsoft-Original-Message-ID")),
    )


# ---------------------------------------------------------------------------
# Plain-text bounces


def _text_of(message):
    """The first text/plain part that is not the bounced mail itself."""
    for part in message.walk():
        if part.get_content_type() in _ORIGINAL_PARTS:
            break
        if part.get_content_type() == "text/plain":
            raw = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                return raw.decode(charset, "replace")
            except LookupError:
                return raw.decode("utf-8", "replace")
    return ""


def _parse_qmail(message):
    text = _text_of(message)
    start = _QMAIL_START_RE.search(text)
    if not start:
        return None
    reporting_mta = start.group(1)
    body, copy = text, ""
    for marker in _QMAIL_COPY_MARKERS:
        if marker in text:
            body, copy = text.split(marker, 1)
            break
    # qmail gives up for good in a bounce; its rare "still trying" notes
    # (from patched qmail) say so in words.
    permanent = "permanent error" in body or "given up" in body
    temporary = not permanent and ("temporary" in body.lower() or "still trying" in body.lower())
    recipients = []
    # Each recipient: a line "<address>:" then its explanation, up to a
    # blank line.
    for match in re.finditer(r"^<([^<>\s]+@[^<>\s]+)>:\s*\n((?:[^\n]+\n?)*)", body, re.M):
        address, explanation = match.group(1), _clean(match.group(2))
        remote = re.search(r"(?:Giving up on|Connected to) (\S+?)\.?(?:\s|$)", match.group(2))
        said = re.search(r"Remote host said:[ \t]*(.*)", match.group(2))
        diagnostic = said.group(1) if said else explanation
        status = status_from_text(explanation) or ("5.0.0" if permanent else "4.0.0")
        recipients.append(
            RecipientStatus(
                recipient=address.lower(),
                action=DELAYED if temporary else FAILED,
                status=status,
                diagnostic_code=_clean(diagnostic),
                diagnostic_type="smtp" if said else "",
                reporting_mta=reporting_mta,
                remote_mta=remote.group(1) if remote else "",
            )
        )
    if not recipients:
        return None
    original_id = microsoft_id = ""
    part = next((p for p in message.walk() if p.get_content_type() in _ORIGINAL_PARTS), None)
    if part is not None:
        original_id, microsoft_id = _original_ids(message)
    elif copy:
        headers = _headers_of_text(copy)
        original_id = _message_id(headers.get("Message-ID"))
        microsoft_id = _message_id(headers.get("X-Microsoft-Original-Message-ID"))
    return DeliveryReport(
        recipients=tuple(recipients),
        original_message_id=original_id,
        microsoft_original_message_id=microsoft_id,
        reporting_mta=reporting_mta,
        source="qmail",
    )


def _headers_of_text(text):
    head = re.split(r"\r?\n[ \t]*\r?\n", text.lstrip("\r\n"), maxsplit=1)[0]
    return email.message_from_string(head + "\n\n", policy=email.policy.compat32)


def _parse_text_fallback(message):
    """A bounce without a readable report: the recipients from
    X-Failed-Recipients (Exim, Gmail), the reason from the text."""
    failed = message.get_all("X-Failed-Recipients") or []
    addresses = []
    for value in failed:
        for item in _clean(value).split(","):
            address = _address(item)
            if "@" in address and address not in addresses:
                addresses.append(address)
    if not addresses:
        return None
    text = _text_of(message)
    lines = [_clean(line) for line in text.splitlines() if _clean(line)]
    reason = next((line for line in lines if status_from_text(line) and _BASIC_CODE_RE.search(line)), "")
    status = status_from_text(reason) or "5.0.0"
    original_id, microsoft_id = _original_ids(message)
    return DeliveryReport(
        recipients=tuple(
            RecipientStatus(recipient=a, action=FAILED, status=status, diagnostic_code=reason)
            for a in addresses
        ),
        original_message_id=original_id,
        microsoft_original_message_id=microsoft_id,
        source="text",
    )
