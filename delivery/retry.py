# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""When to try a temporarily failed mail again. Plain Python, no Odoo."""

import datetime

#: Waits after the 1st, 2nd, ... failed attempt; the last one repeats.
DEFAULT_DELAYS = (
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=4),
    datetime.timedelta(hours=12),
)
DEFAULT_MAX_ATTEMPTS = 5


def next_attempt(attempt_count, now, max_attempts=DEFAULT_MAX_ATTEMPTS, delays=DEFAULT_DELAYS):
    """The date of the next attempt after `attempt_count` failed attempts,
    or None when no attempt is left."""
    if attempt_count < 1:
        return now
    if attempt_count >= max_attempts or not delays:
        return None
    return now + delays[min(attempt_count, len(delays)) - 1]
