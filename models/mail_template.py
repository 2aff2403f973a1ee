# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def mail_document_send_allowed_actions(self, model):
        """The templates of `model` the current user may overwrite and
        delete: the composer's template menu offers only those. Stock 18
        offers every template, and a salesperson who picks one shared by
        someone else gets an access error (an employee may change only the
        templates they created or are assigned)."""
        templates = self.search([("model", "=", model)])
        return {
            "write": templates._filtered_access("write").ids,
            "unlink": templates._filtered_access("unlink").ids,
        }
