# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bookkeeping of one delivery attempt that needs no ORM: what to do after
a failure, the journal's attachment lines, whether an SMTP session may be
reused, when an in-flight mark is stale, which runner claimed it. Plain
Python, no Odoo import."""

import datetime
import hashlib
import os
import socket

from . import retry, smtp_failure
from .header import attachment_name

QUEUED = "outgoing"
FAILED = "exception"

#: A mail marked as being sent for longer than this was interrupted (worker
#: killed, server crash): well above Odoo's SMTP_TIMEOUT (60 s) times a few
#: round trips, so a slow but alive sender is never taken for a dead one.
INTERRUPTED_AFTER = datetime.timedelta(minutes=10)


def after_failure(failure_class, attempt_count, now, max_attempts=retry.DEFAULT_MAX_ATTEMPTS):
    """(state, next attempt date or None) of a mail whose attempt number
    `attempt_count` just failed with `failure_class`.

    Only a temporary failure is tried again by itself, and only while
    attempts are left: anything else needs a person (a fixed address, a
    fixed server record) before a retry can succeed."""
    if failure_class != smtp_failure.TEMPORARY:
        return FAILED, None
    when = retry.next_attempt(attempt_count, now, max_attempts=max_attempts)
    if when is None:
        return FAILED, None
    return QUEUED, when


def attachment_line(name, data):
    """One attachment in the journal: name, size and SHA-256 of the bytes."""
    data = data or b""
    if isinstance(data, str):
        data = data.encode()
    # Named as build_email puts it on the wire, and on one journal line.
    return "%s | %d bytes | SHA-256 %s" % (attachment_name(name), len(data), hashlib.sha256(data).hexdigest())


def session_usable(smtp_code, connected):
    """After a failed send, may the next mail use the same SMTP connection?

    Yes after a reply such as 451 or 550: smtplib reset the transaction (RSET)
    and the connection is fine. Not after 421 (the server closes), nor after
    a network error or a timeout (no code), which leave the session in an
    unknown state, nor once smtplib closed the socket."""
    return bool(connected) and smtp_code is not None and smtp_code != 421


def interrupted_before(now, after=INTERRUPTED_AFTER):
    """In-flight marks older than the returned date belong to a dead sender."""
    return now - after


def parse_max_attempts(value, default=retry.DEFAULT_MAX_ATTEMPTS):
    """The system parameter as an int >= 1, the default when unset or wrong."""
    try:
        return max(1, int(value)) if value not in (None, False, "") else default
    except (TypeError, ValueError):
        return default


def parse_retention_days(value, default=730):
    """Journal retention in days; 0 (or less) keeps every row."""
    try:
        return int(value) if value not in (None, False, "") else default
    except (TypeError, ValueError):
        return default


def runner_id(host=None, pid=None):
    """The name a queue runner claims mails under: host:pid. Read at each
    claim, not at import: a prefork worker is a fork of the server, with a
    pid of its own."""
    return "%s:%d" % (host or socket.gethostname(), pid or os.getpid())
