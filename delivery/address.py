# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Is a string one plain e-mail address (addr-spec) safe to put on the wire?

Deliberately stricter than RFC 5322: no display name, no comments, no quoted
local part, no control characters (a CR/LF would inject headers). Domains
may be internationalised: their labels are checked once IDNA-encoded.
"""

import re

# Dot-atom local part, as RFC 5322 allows without quoting.
_LOCAL_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def is_valid_address(address):
    """True when `address` is one well-formed e-mail address."""
    if not isinstance(address, str) or not address or len(address) > 254:
        return False
    if any(ord(char) < 32 or ord(char) == 127 for char in address):
        return False
    local, sep, domain = address.rpartition("@")
    if not sep or not local or not domain or len(local) > 64:
        return False
    if not _LOCAL_RE.match(local):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        return False
    return all(_LABEL_RE.match(label) for label in labels)
