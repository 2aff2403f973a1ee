# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SMTP reply codes and enhanced status codes (RFC 3463), read only where a
bounce writes them.

A bounce is full of numbers that look like codes: an IP address
(192.0.2.222), a DKIM signature (rsa-sha256), a host name (neko222-), the
copy of the original mail. An enhanced code counts only as a token of its
own; a basic reply code (550) only where a server's reply starts: at the
start of a line or of the value, after "said:", "]:", ";", "<<<" or "#",
or just before an enhanced code.
"""

import re

# "5.1.1", "#5.1.1", "(5.7.1)", "5.1.10": not part of an IP, a version, a
# name or an address.
_ENHANCED_RE = re.compile(r"(?<![\w.\-@/=])([245])\.(\d{1,3})\.(\d{1,3})(?![\w\-@/]|\.\d)")
# A reply code where a reply starts; the second digit of SMTP codes is 0-5.
_REPLY_RE = re.compile(r"(?:^|[:;>#(\[]|\bsaid\b|\bwas\b)[ \t]*([245][0-5]\d)(?=[ \t\-)]|$)", re.M | re.I)


def enhanced_status(text):
    """The first enhanced status code of `text`, else ""."""
    match = _ENHANCED_RE.search(text or "")
    return ".".join(match.groups()) if match else ""


def reply_code(text):
    """The first basic SMTP reply code at the start of a reply, else ""."""
    match = _REPLY_RE.search(text or "")
    return match.group(1) if match else ""


def status_from_text(text):
    """The first enhanced status code (RFC 3463) in `text`, else one made
    from a basic SMTP reply code (550 -> 5.0.0), else ""."""
    status = enhanced_status(text)
    if status:
        return status
    code = reply_code(text)
    return code[0] + ".0.0" if code else ""


def best_status(reported, diagnosed):
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
