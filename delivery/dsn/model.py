# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a bounce says, as values: the actions, the severity rule and the
two result classes."""

import re
from dataclasses import dataclass

FAILED = "failed"
DELAYED = "delayed"
DELIVERED = "delivered"
RELAYED = "relayed"
EXPANDED = "expanded"
ACTIONS = (FAILED, DELAYED, DELIVERED, RELAYED, EXPANDED)

HARD = "hard"
SOFT = "soft"

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def clean(value):
    """One line, no control character, no surrounding blanks: a bounce is
    written by a stranger and its values reach journal rows and notes."""
    if value is None:
        return ""
    return " ".join(_CONTROL_RE.sub(" ", str(value)).split())


def severity(action, status):
    """HARD when the MTA gave up on the recipient, SOFT while it still tries.

    `Action: failed` is final whatever the status class: Postfix reports a
    message that expired in its queue as failed with a 4.x.x status (the
    last temporary error), and that mail will never arrive either.
    `Action: delayed` is a warning: the MTA keeps trying. Without an Action
    field the status class decides (5 -> hard, 4 -> soft). Delivered,
    relayed and expanded are no bounce (None).
    """
    if action == FAILED:
        return HARD
    if action == DELAYED:
        return SOFT
    if not action:
        if status.startswith("5."):
            return HARD
        if status.startswith("4."):
            return SOFT
    return None


@dataclass(frozen=True)
class RecipientStatus:
    """What one report says about one recipient."""

    recipient: str
    action: str
    status: str
    diagnostic_code: str = ""
    diagnostic_type: str = ""
    reporting_mta: str = ""
    remote_mta: str = ""
    original_recipient: str = ""

    @property
    def severity(self):
        return severity(self.action, self.status)

    @property
    def is_hard(self):
        return self.severity == HARD

    @property
    def is_soft(self):
        return self.severity == SOFT


@dataclass(frozen=True)
class DeliveryReport:
    """A parsed bounce: the recipients it reports on and the bounced mail."""

    recipients: tuple = ()
    #: Message-ID of the bounced mail as the reporting server saw it.
    original_message_id: str = ""
    #: Exchange Online replaces the Message-ID of mail relayed through it and
    #: keeps the sender's one in this header.
    microsoft_original_message_id: str = ""
    reporting_mta: str = ""
    #: "rfc3464" for a standard report, "qmail", "text" or "ses-json"
    #: when read from something else.
    source: str = "rfc3464"

    @property
    def message_ids(self):
        """Every Message-ID the bounced mail may be known by here, the
        sender's own (Microsoft's header) first."""
        ids = [self.microsoft_original_message_id, self.original_message_id]
        return [mid for i, mid in enumerate(ids) if mid and mid not in ids[:i]]

    def hard(self):
        return [r for r in self.recipients if r.is_hard]

    def soft(self):
        return [r for r in self.recipients if r.is_soft]

    def for_recipient(self, address):
        address = (address or "").strip().lower()
        return [r for r in self.recipients if r.recipient == address]
