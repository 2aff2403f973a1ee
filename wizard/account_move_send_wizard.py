# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..models.account_move_send import SIZE_CHECK_KEY


class AccountMoveSendWizard(models.TransientModel):
    _inherit = "account.move.send.wizard"

    def action_send_and_print(self, allow_fallback_pdf=False):
        # Before the PDF is generated and anything is posted: one error
        # listing every problem, and nothing done.
        self.ensure_one()
        self._mail_document_send_check({self.move_id: self._get_sending_settings()})
        # And the size again once the invoice PDF exists.
        return super(
            AccountMoveSendWizard, self.with_context(**{SIZE_CHECK_KEY: True})
        ).action_send_and_print(allow_fallback_pdf=allow_fallback_pdf)
