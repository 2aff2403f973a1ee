# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Stock Odoo subscribes the customer only on confirmation; the composer
    # takes its recipients from the followers, so the customer must follow
    # the quotation from the moment it exists.
    @api.model
    def create(self, vals):
        order = super().create(vals)
        order.message_subscribe(partner_ids=order.partner_id.ids)
        return order

    @api.multi
    def write(self, vals):
        res = super().write(vals)
        if vals.get("partner_id"):
            for order in self:
                order.message_subscribe(partner_ids=order.partner_id.ids)
        return res
