# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Delivery status notifications (bounces), read without Odoo.

A 250 from the outgoing server is not delivery: the recipient's server may
refuse the mail later, and its refusal comes back to the bounce address as a
delivery status notification (DSN). `parse_dsn` turns such a message into a
`DeliveryReport`: one `RecipientStatus` per recipient (address, action,
status, hard or soft, diagnostic code, reporting and remote MTA) and the
Message-ID of the mail that bounced.

Stock Odoo 18 already decides that a message *is* a bounce
(`mail.thread._detect_is_bounce`) and finds the bounced `mail.message`
(`_get_bounced_message_data`), but it reads only the first recipient block
of the report and ignores its Action and Status: a "delayed" warning counts
as a bounce there, and a report naming three recipients bounces one.

Read here (readme/BOUNCES.rst has the list):
- report.py: RFC 3464 reports, well-formed or sloppy;
- text.py: the prose of MTAs and providers that send no report;
- ses.py: Amazon SES notifications mailed as JSON;
- status.py: status codes, read only where a bounce writes them;
- message_id.py: the bounced mail's Message-ID, wherever it is carried;
- reader.py: which of them reads a given bounce.
An ARF feedback report, an automatic reply (RFC 3834) or a mail that is
no bounce gives None; a delay or a "delivered" notice gives soft or no
severity, never hard.

Every string returned is unfolded to one line with control characters
removed: a bounce is written by a stranger, and its values end up in
journal rows, chatter notes and activity summaries.
"""

from .model import (
    ACTIONS,
    DELAYED,
    DELIVERED,
    EXPANDED,
    FAILED,
    HARD,
    RELAYED,
    SOFT,
    DeliveryReport,
    RecipientStatus,
    severity,
)
from .reader import parse_dsn
from .status import status_from_text
