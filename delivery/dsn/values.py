# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Field values of a report: `type; value`, host names, addresses, ids."""

import re

from .model import clean

# What separates an address from its surroundings in a field or a line.
_SEPARATORS_RE = re.compile(r"[\s<>;,\"'()\[\]]+")
ADDRESS_PATTERN = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?"
_MESSAGE_ID_RE = re.compile(r"<[^<>\s]+@[^<>\s]+>|<[^<>\s]+>")


def typed_value(value):
    """'dns; mx.example.com' -> 'mx.example.com' (RFC 3464 `type; value`)."""
    value = clean(value)
    if ";" in value:
        value = value.split(";", 1)[1].strip()
    return value


def host(value):
    """'dns; mx.example.com. (192.0.2.1, the server for the domain ...)'
    -> 'mx.example.com' (Gmail adds the comment)."""
    value = typed_value(value)
    return value.split(" ", 1)[0].rstrip(".") if value else ""


def is_delivery_program(value):
    """Exim reports a pipe or a file delivery ('|/usr/bin/x', '/var/mail/x')
    as a recipient: that is no address to bounce."""
    return clean(value).lstrip("\"'<")[:1] in ("|", "/")


def address(value):
    """'rfc822; <Customer@Example.com>' -> 'customer@example.com'; "" for
    what is no address (a pipe or a file, an empty value)."""
    value = typed_value(value)
    if "@" not in value or is_delivery_program(value):
        return ""
    return last_address(value)


def last_address(text):
    """The last token of `text` holding an "@", lowercased, else "". Split,
    not searched with a pattern: a long run without "@" costs one pass."""
    tokens = [token.rstrip(".:") for token in _SEPARATORS_RE.split(text) if "@" in token]
    return tokens[-1].lower() if tokens and tokens[-1].strip("@") else ""


def message_id(value):
    """The first <id> of `value`, else "" (a bare id is kept as it is)."""
    value = clean(value)
    match = _MESSAGE_ID_RE.search(value)
    if match:
        return match.group(0)
    return value if "@" in value and " " not in value else ""
