# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Header values that stay on one line."""

import re
from email.header import decode_header, make_header

# Unicode line and paragraph separators too: some mail clients and parsers
# (Python's str.splitlines() among them) break lines there.
_BREAKS_RE = re.compile(r"[\r\n\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]+")


def one_line(value):
    """`value` with every line break or control character turned into a
    space (a line break in a header value would start a new header)."""
    if not isinstance(value, str):
        return value
    return _BREAKS_RE.sub(" ", value).strip()


def attachment_name(name):
    """An attachment's file name as it goes into its MIME part, on one line.

    Python's email package refuses a CR or LF in a parameter (ValueError:
    the whole mail fails in the queue, long after Send) and would carry a
    U+2028 into the file name a client shows. A file name holds no
    recipient: cleaned rather than refused."""
    if not isinstance(name, str) or not name:
        return name
    return one_line(name) or "attachment"


def has_line_break(value):
    """True when `value` holds a character that would end a header line
    (CR, LF, NEL, the Unicode line and paragraph separators) or any other
    control character: such a value must be refused, not cleaned, since
    what follows the break is what an attacker wanted on the wire."""
    if not isinstance(value, str):
        return False
    return bool(_BREAKS_RE.search(value) or _BREAKS_RE.search(decoded(value)))


def decoded(value):
    """`value` with its RFC 2047 encoded words ("=?utf-8?q?...?=") decoded,
    as Python's email package decodes them in a display name before writing
    the header again: "=?utf-8?q?Eve=0D=0ABcc=3A_x=40example=2Ecom?=" is a
    name holding a line break and an address (measured on Odoo 18: a Bcc
    header line on the wire)."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError):
        return value


# Anything shaped like an address, as Odoo 18 looks for envelope recipients
# in a whole header, display names included (ir_mail_server.address_pattern).
_ADDRESS_LIKE_RE = re.compile(r'([^" ,<@]+@[^>" ,]+)')


def hidden_addresses(name, email=""):
    """The addresses in a display `name` other than `email`: Odoo would add
    each of them as an envelope recipient of a mail to that contact."""
    own = (email or "").strip().lower()
    name = name or ""
    found = _ADDRESS_LIKE_RE.findall(name) + _ADDRESS_LIKE_RE.findall(decoded(name))
    return list(dict.fromkeys(address for address in found if address.strip().lower() != own))
