# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class MailDeliveryLog(models.Model):
    """The queue runner behind each attempt, in a file of its own: the
    claims of several Odoo processes (mail_mail.py, _mds_claim) are proved
    on the journal, which outlives auto-deleted mails."""

    _inherit = "mail.delivery.log"

    runner = fields.Char(
        readonly=True,
        help="The Odoo process (host:pid) that claimed the email for this attempt; for an attempt set "
        "aside for review, the process that died while sending.",
    )
