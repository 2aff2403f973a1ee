# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class SaleOrder(models.Model):
    # Own file: models/sale_order.py belongs to the send flow.
    _name = "sale.order"
    _inherit = ["sale.order", "mail.delivery.state.mixin"]

    def _mds_failure_activity_user(self):
        self.ensure_one()
        return self.user_id
