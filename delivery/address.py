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


#: address_problem() answers
MALFORMED = "malformed"
#: A non-ASCII local part ("jöhn@") needs SMTPUTF8, which many servers do
#: not offer: refused before sending rather than failing at the server.
NON_ASCII_LOCAL = "non_ascii_local"


def address_problem(address):
    """None when `address` is one well-formed e-mail address, else why not:
    MALFORMED or NON_ASCII_LOCAL."""
    if not isinstance(address, str) or not address or len(address) > 254:
        return MALFORMED
    if any(ord(char) < 32 or ord(char) == 127 for char in address):
        return MALFORMED
    local, sep, domain = address.rpartition("@")
    if not sep or not local or not domain or len(local) > 64:
        return MALFORMED
    if not _LOCAL_RE.match(local):
        if not local.isascii() and _LOCAL_RE.match(re.sub(r"[^\x00-\x7f]", "a", local)):
            return NON_ASCII_LOCAL
        return MALFORMED
    if ascii_domain(domain) is None:
        return MALFORMED
    return None


def is_valid_address(address):
    """True when `address` is one well-formed e-mail address."""
    return address_problem(address) is None


def ascii_domain(domain):
    """`domain` as it goes on the wire (IDNA, "xn--" labels), or None when
    it is not a valid domain name."""
    try:
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = encoded.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        return None
    return encoded


def ascii_address(address):
    """`address` with its domain IDNA-encoded ("user@exämple.fr" becomes
    "user@xn--exmple-cua.fr"): the form Odoo and smtplib can send. Anything
    that is not such an address comes back unchanged."""
    local, sep, domain = address.rpartition("@")
    if not sep or domain.isascii():
        return address
    encoded = ascii_domain(domain)
    return "%s@%s" % (local, encoded) if encoded else address
