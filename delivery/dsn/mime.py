# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The MIME side of a bounce: its parts, its readable text, its copy of the
original mail."""

import email
import email.policy
import html
import re

#: Bounce prose is a few lines; past this, the text is a copy of the mail
#: that no marker announced. Reading no further keeps the parse linear.
MAX_PROSE = 64 * 1024
ORIGINAL_PARTS = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")
REPORT_PART = "message/delivery-status"
FEEDBACK_PART = "message/feedback-report"

# Bounded: a "<" with no ">" after it costs a few characters, not the rest.
_TAG_RE = re.compile(r"<(?:br|p|div|tr|li|pre|/p|/div|/tr|/li|/pre|/h\d)\b[^<>]{0,2000}>", re.I)
_ANY_TAG_RE = re.compile(r"<[^<>]{0,2000}>")


def as_message(message):
    """An email.message.Message from raw bytes, a str or a Message."""
    if isinstance(message, bytes):
        return email.message_from_bytes(message, policy=email.policy.default)
    if isinstance(message, str):
        return email.message_from_string(message, policy=email.policy.default)
    return message


def normalize_newlines(text):
    """CR, LF and CRLF alike: IMAP hands over CRLF, files hold LF, some old
    MTAs write CR alone."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decoded_text(part):
    """The decoded text of a text part, newlines normalized."""
    raw = part.get_payload(decode=True)
    if raw is None:
        raw = str(part.get_payload() or "").encode("utf-8", "replace")
    charset = part.get_content_charset() or "utf-8"
    try:
        text = raw.decode(charset, "replace")
    except LookupError:
        text = raw.decode("utf-8", "replace")
    return normalize_newlines(text)


def _html_to_text(text):
    return html.unescape(_ANY_TAG_RE.sub("", _TAG_RE.sub("\n", text)))


def bounce_parts(message):
    """The parts written by the reporting server, in order: those before
    the copy of the original mail (not inside it)."""
    parts = []
    for part in message.walk():
        if part.get_content_type() in ORIGINAL_PARTS:
            break
        parts.append(part)
    return parts


def text_of(message):
    """The human-readable text of the bounce (not of the bounced mail):
    its first text/plain part, else its first text/html one as text."""
    parts = bounce_parts(message)
    for ctype in ("text/plain", "text/html"):
        for part in parts:
            if part.get_content_type() == ctype and not part.is_multipart():
                text = decoded_text(part)
                return _html_to_text(text) if ctype == "text/html" else text
    return ""


def find_part(message, ctype):
    return next((p for p in message.walk() if p.get_content_type() == ctype), None)


def innermost_original(message):
    """The part holding the bounced mail (or its headers): for a forwarded
    report, the one inside the forwarded report, not the report itself."""
    candidates = [p for p in message.walk() if p.get_content_type() in ORIGINAL_PARTS]
    for part in candidates:
        inner = part.get_payload()
        if isinstance(inner, list) and inner and _holds_report(inner[0]):
            continue
        return part
    return None


def _holds_report(message):
    return any(
        p.get_content_type() in ORIGINAL_PARTS + (REPORT_PART,) for p in message.walk() if p is not message
    )


def headers_of_part(part):
    """The header block of the bounced mail held by `part`, as text."""
    payload = part.get_payload()
    if part.get_content_type() == "message/rfc822" and isinstance(payload, list) and payload:
        inner = payload[0]
        return normalize_newlines("".join("%s: %s\n" % (name, value) for name, value in inner.raw_items()))
    raw = part.get_payload(decode=True)
    if raw is None:
        raw = str(payload or "").encode("utf-8", "replace")
    return header_block(normalize_newlines(raw.decode("utf-8", "replace")))


def header_block(text):
    """The lines of `text` up to its first blank line (a body may hold a
    'Message-ID:' line of its own)."""
    text = text.lstrip("\n")
    end = re.search(r"\n[ \t]*\n", text)
    return text[: end.start() + 1] if end else text


# Where a bounce starts its copy of the original mail (or of its headers),
# per MTA: Exim and Mail.ru, Gmail and Daum, qmail and Yahoo (some with a
# trailing space), GMX, Office 365, old Sendmail, IMail and Exchange.
_COPY_RE = re.compile(
    r"This is a copy of (?:the|your) message"
    r"|-{3,} ?Original message ?-{3,}"
    r"|Below this line is (?:a copy of the message|the original bounce)"
    r"|Below the next line is a copy of the message"
    r"|Enclosed are the original headers of the message"
    r"|The header of the original message is following"
    r"|Original message headers:"
    r"|-{3,} ?(?:Unsent|Returned) message follows"
    r"|^[ \t]*Original message follows\.?"
    r"|^-{3,} ?(?:Original message|Message headers) follows? ?-*",
    re.I | re.M,
)


def split_copy(text):
    """(prose, copy): the text of a bounce split where its copy of the
    original mail starts; copy is "" when there is none. The marker comes
    after the prose, which is short: it is looked for in the first
    MAX_PROSE characters only."""
    match = _COPY_RE.search(text, 0, MAX_PROSE)
    if not match:
        return text, ""
    end = text.find("\n", match.end())
    return text[: match.start()], text[end + 1 :] if end >= 0 else ""
