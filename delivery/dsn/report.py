# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RFC 3464 delivery-status fields, well-formed or sloppy.

Real reports leave out the blank line between per-recipient blocks (AOL),
continue a field on an unindented line, encode the whole part in base64,
leave a block empty (the recipient is then in X-Failed-Recipients or in the
text), or write `Action: expired` with an empty Status (SendGrid). Amazon
WorkMail writes the same fields in its text part.
"""

import base64
import email.header
import quopri
import re

from . import mime
from .model import ACTIONS, DELAYED, DELIVERED, FAILED, RecipientStatus, clean
from .status import best_status, status_from_text
from .values import address, host

_FIELD_RE = re.compile(r"^([A-Za-z][A-Za-z0-9\-]*)[ \t]*:[ \t]*(.*)$")
_RECIPIENT_FIELDS = ("original-recipient", "final-recipient")
_PER_MESSAGE_FIELDS = (
    "reporting-mta",
    "dsn-gateway",
    "received-from-mta",
    "arrival-date",
    "original-envelope-id",
    "x-original-message-id",
)
#: Status given when a report says "expired" with no code (RFC 3463: 4.4.7,
#: delivery time expired).
EXPIRED_STATUS = "4.4.7"


def report_text(part):
    """The text of a message/delivery-status part, decoded, newlines
    normalized. The email package parses it into one Message per block:
    their raw fields and leftover text are joined back, so that a sloppy
    report is split here and not by the email package's header rules."""
    payload = part.get_payload()
    if isinstance(payload, list):
        text = "\n".join(
            "".join("%s: %s\n" % (name, _decoded(value)) for name, value in block.raw_items())
            + str(block.get_payload() or "")
            for block in payload
        )
    else:
        text = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    text = mime.normalize_newlines(text)
    encoding = clean(part.get("Content-Transfer-Encoding")).lower()
    if isinstance(payload, list) and encoding in ("base64", "quoted-printable"):
        raw = text.encode("ascii", "replace")
        text = (base64.b64decode(raw) if encoding == "base64" else quopri.decodestring(raw)).decode(
            "utf-8", "replace"
        )
    return mime.normalize_newlines(text)


def _decoded(value):
    """A raw field value with its RFC 2047 encoded words decoded, on one
    line: an encoded CR LF must not start a field of its own."""
    if "=?" not in value:
        return value
    try:
        return clean(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, UnicodeError):
        return clean(value)


def split_blocks(text):
    """Field blocks as lists of (lowercase name, value): a blank line ends a
    block, and so does a recipient field that starts the next recipient."""
    blocks, block = [], []
    for line in text.split("\n"):
        if not line.strip():
            block = _close(blocks, block)
            continue
        match = _FIELD_RE.match(line)
        if match is None or line[:1] in (" ", "\t"):
            if block:  # a continuation line, indented or not
                block[-1][1].append(line.strip())
            continue
        name = match.group(1).lower()
        if _starts_block(block, name):
            block = _close(blocks, block)
        block.append((name, [match.group(2).strip()]))
    _close(blocks, block)
    return blocks


def _close(blocks, block):
    """Add `block` to `blocks`, its values joined (a list while read: a long
    folded field must not be copied once a line)."""
    if block:
        blocks.append([(name, " ".join(parts)) for name, parts in block])
    return []


def _starts_block(block, name):
    """Does field `name` start a new block though no blank line came?"""
    names = [n for n, _v in block]
    if name in names and name in _RECIPIENT_FIELDS:
        return True
    if name == "original-recipient" and "final-recipient" in names:
        # Postfix writes Final- then Original-Recipient; a second recipient
        # of a report without blank lines comes after the first one's
        # Action or Status (Exim and SendGrid write the Action first).
        after_final = names[names.index("final-recipient") :]
        return bool({"action", "status"} & set(after_final))
    names = set(names)
    if name in _RECIPIENT_FIELDS:
        return bool(names & set(_PER_MESSAGE_FIELDS)) and not names & set(_RECIPIENT_FIELDS)
    return name in ("action", "status") and name in names


def read_fields(text):
    """(per-message fields, [per-recipient field dicts]) of report text."""
    blocks = [dict(reversed(block)) for block in split_blocks(text) if block]
    per_message = {}
    if blocks and not _is_recipient_block(blocks[0]):
        per_message = blocks.pop(0)
    return per_message, [b for b in blocks if _is_recipient_block(b)]


def _is_recipient_block(block):
    return bool(set(block) & {"final-recipient", "original-recipient", "action", "status"})


def recipient_status(block, reporting_mta, fallback_address=""):
    """The RecipientStatus of one per-recipient block; None when the block
    names no address and no fallback is given."""
    original = address(block.get("original-recipient"))
    rcpt = address(block.get("final-recipient")) or original or fallback_address
    if not rcpt:
        return None
    diagnostic = clean(block.get("diagnostic-code"))
    diagnostic_type = ""
    if ";" in diagnostic:
        diagnostic_type, diagnostic = (s.strip() for s in diagnostic.split(";", 1))
    status = best_status(status_from_text(clean(block.get("status"))), status_from_text(diagnostic))
    action = clean(block.get("action")).lower()
    if action == "expired":
        # SendGrid: the mail expired in the queue; it will not arrive.
        action, status = FAILED, status or EXPIRED_STATUS
    if action not in ACTIONS:
        action = {"5": FAILED, "4": DELAYED, "2": DELIVERED}.get(status[:1], "")
    return RecipientStatus(
        recipient=rcpt,
        original_recipient=original,
        action=action,
        status=status,
        diagnostic_code=diagnostic,
        diagnostic_type=diagnostic_type.lower(),
        reporting_mta=reporting_mta,
        remote_mta=host(block.get("remote-mta")),
    )
