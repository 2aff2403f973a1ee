# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountInvoice(models.Model):
    # Own file: models/account_invoice.py belongs to the send flow.
    _name = "account.invoice"
    _inherit = ["account.invoice", "mail.delivery.state.mixin"]
