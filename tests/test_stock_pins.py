# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The stock Odoo 18 methods this addon reproduces or builds on, pinned by
a hash of their source (as OCA's mail_composer_cc_bcc pins what it copies):
an Odoo update that changes one fails here, naming what to check again,
instead of drifting silently."""

import hashlib
import inspect

from odoo.addons.base.models import ir_mail_server
from odoo.addons.mail.models import mail_mail
from odoo.tests import BaseCase

#: "model:method": (SHA-256 of its source, first 16 hex digits; what the
#: addon does with it). Measured on Odoo 18.0 at 82a18140.
PINS = {
    "mail.mail:send": ("efa98e3be6f80603", "models/mail_mail.py send(): the loop reproduced"),
    "mail.mail:send_after_commit": ("8bef4f7accb335a0", "send_after_commit(): reproduced, commit per mail"),
    "mail.mail:_send": ("bb6ce0fcc904b6c1", "replaced by the runner (outbox/), which reproduces its steps"),
    "mail.mail:_postprocess_sent_message": (
        "262e55cf39b49a46",
        "its body done by outbox/outcome.py and outbox/deletes.py unless extended",
    ),
    "mail.mail:process_email_queue": ("69ee892dd04a0162", "its `filters` context extended"),
    "mail.mail:_split_by_mail_configuration": ("4eccbfc0c45281cc", "send() groups mails with it"),
    "mail.mail:_prepare_outgoing_list": ("2833be2bd064f6f8", "outbox/prepare.py prepares mails with it"),
    "mail.mail:mark_outgoing": ("eebbf8995ed89cd7", "retry restarts the schedule on top of it"),
    "mail.mail:action_retry": ("e656156ea034d352", "its None return turned into True"),
    "mail.mail:cancel": ("fff554feb30d24d9", "marks cleared on top of it"),
    "mail.mail:unlink": ("8dc7070636b3e80f", "outbox/deletes.py deletes sent mails with it"),
    "ir.mail_server:connect": ("922d5ebdbe722b3c", "its connection observed (delivery/wire.py)"),
    "ir.mail_server:send_email": (
        "d3fb6e3dbc594a10",
        "outbox/exchange.py reproduces its exchange and error wrapping unless extended",
    ),
    "ir.mail_server:_prepare_email_message": ("8570e8b1519a7f9e", "outbox/exchange.py's envelope"),
    "ir.mail_server:build_email": (
        "ccd182a223e74e11",
        "headers sanitized and attachments journaled around it",
    ),
    "ir.mail_server:_get_max_email_size": ("f030c92aaba12c9b", "memoized per batch"),
    "ir.mail_server:_get_default_bounce_address": ("f03339585b5f126d", "memoized per batch"),
    "ir.mail_server:_get_default_from_address": ("be96d2a14a465b67", "memoized per batch"),
    "ir_mail_server:SMTPConnection": ("c63ce8dfaa1bb263", "its __obj__ is the smtplib connection observed"),
}

_SOURCES = {
    "mail.mail": mail_mail.MailMail,
    "ir.mail_server": ir_mail_server.IrMailServer,
}


def source_hash(obj):
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


def pinned_object(key):
    owner, name = key.split(":")
    if owner == "ir_mail_server":
        return getattr(ir_mail_server, name)
    return getattr(_SOURCES[owner], name)


class TestStockPins(BaseCase):
    def test_stock_methods_the_addon_builds_on_are_unchanged(self):
        changed = [
            "%s (%s)" % (key, why)
            for key, (digest, why) in PINS.items()
            if source_hash(pinned_object(key)) != digest
        ]
        self.assertFalse(changed, "Odoo changed what the addon reproduces or builds on: %s" % changed)
