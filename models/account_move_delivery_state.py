# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class AccountMove(models.Model):
    # Own file: models/account_move.py belongs to the send flow.
    _name = "account.move"
    _inherit = ["account.move", "mail.delivery.state.mixin"]

    def _mds_failure_activity_user(self):
        self.ensure_one()
        return self.invoice_user_id
