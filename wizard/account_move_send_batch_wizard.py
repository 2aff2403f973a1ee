# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class AccountMoveSendBatchWizard(models.TransientModel):
    _inherit = "account.move.send.batch.wizard"

    def action_send_and_print(self, force_synchronous=False, allow_fallback_pdf=False):
        # The list send hands the invoices to a cron: check every one of
        # them now, with the settings the cron will use, so that one bad
        # invoice names itself and nothing is sent.
        self.ensure_one()
        moves_data = {}
        problems = []
        for move in self.move_ids:
            try:
                moves_data[move] = self._get_default_sending_settings(move)
            except UserError as error:
                problems.append(
                    self.env._("%(document)s: %(problem)s", document=move.display_name, problem=error.args[0])
                )
        if problems:
            self.env["mail.document.send.mixin"]._mail_document_send_raise(problems)
        self._mail_document_send_check(moves_data)
        return super().action_send_and_print(
            force_synchronous=force_synchronous, allow_fallback_pdf=allow_fallback_pdf
        )
