# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A real-format DSN sample (tests/dsn_samples/) rewritten about a mail that
was really sent: for the bounce tests, the browser tests and the demo
database. It needs only the addon's plain-Python parser."""

import os
import re
import sys
import uuid

try:
    from ..delivery.dsn import parse_dsn
except ImportError:  # a plain module of the browser tests or the demo: the parser needs no Odoo
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from delivery.dsn import parse_dsn

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dsn_samples")


def dsn_for(sample, message_id, address):
    """The sample DSN `sample`, about the mail `message_id` sent to
    `address`, with a Message-ID of its own."""
    with open(os.path.join(SAMPLES, sample), "rb") as handle:
        raw = handle.read()
    report = parse_dsn(raw)
    # The sender's own id first (Microsoft's header when there is one).
    raw = raw.replace(report.message_ids[0].encode(), message_id.encode())
    for status in report.recipients:
        raw = raw.replace(status.recipient.encode(), address.encode())
    # The DSN's own Message-ID, in its header block (qmail writes none: the
    # first one further down is the bounced mail's).
    own = ("<%s@mta.bounce.test>" % uuid.uuid4().hex).encode()
    head, sep, body = re.split(rb"(\r?\n\r?\n)", raw, maxsplit=1)
    head = re.sub(rb"(?im)^(Message-Id:)[ \t]*\r?\n?[ \t]*<[^>]+>", rb"\1 " + own, head, count=1)
    return head + sep + body
