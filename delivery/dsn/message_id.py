# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Message-ID of the bounced mail, wherever the bounce carries it: the
attached message or its attached headers (the innermost ones for a
forwarded report), an inline copy after "This is a copy of the message"
and the like, the original headers pasted in the text part (Office 365,
Exchange)."""

import re

from . import mime
from .values import message_id

_ID_RE = r"[ \t]*(?:\n[ \t]+)?(<[^<>\s]+>)"
_MESSAGE_ID_RE = re.compile(r"^[ \t]*Message-ID:" + _ID_RE, re.I | re.M)
_MICROSOFT_ID_RE = re.compile(r"^[ \t]*X-Microsoft-Original-Message-ID:" + _ID_RE, re.I | re.M)


def ids_in_headers(block):
    """(Message-ID, X-Microsoft-Original-Message-ID) of a header block."""
    found = _MESSAGE_ID_RE.search(block)
    microsoft = _MICROSOFT_ID_RE.search(block)
    return (found.group(1) if found else "", microsoft.group(1) if microsoft else "")


def original_ids(message, text=None):
    """(Message-ID, Microsoft's original Message-ID) of the bounced mail,
    ("", "") when the bounce does not say."""
    part = mime.innermost_original(message)
    if part is not None:
        ids = ids_in_headers(mime.headers_of_part(part))
        if ids[0]:
            return ids
    if text is None:
        text = mime.text_of(message)
    _prose, copy = mime.split_copy(text)
    if copy:
        ids = ids_in_headers(mime.header_block(copy.lstrip()))
        if ids[0]:
            return ids
    # Headers pasted in the text without a marker we know: a line of its
    # own, as a header writes it.
    return ids_in_headers(text[: 2 * mime.MAX_PROSE])


def per_message_id(value):
    """Gmail names the bounced mail in the report (X-Original-Message-ID)."""
    return message_id(value)
