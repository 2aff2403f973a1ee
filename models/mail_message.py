# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# Context key set by the composer when its recipient list is authoritative.
EXACT_RECIPIENTS_KEY = "mail_document_send_exact_recipients"


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.multi
    def _notify(self, force_send=False, send_after_commit=True, user_signature=True):
        """Notify only the message's own partners when the composer asks so.

        Stock _notify adds every follower of the document to the recipients,
        so a partner removed from the composer would still get the mail (or
        an inbox notification). Under the composer's context key, the
        message's partner_ids are the whole audience. Only user comments are
        concerned: tracking notifications posted during the same send (e.g.
        "Quotation Sent") keep reaching the followers as usual.

        Also unlike stock, on purpose: a recipient whose address is the
        author's, or an archived contact, still gets the mail (they are in the
        list the user saw), and channels are not notified (a document's
        composer has no channel field).
        """
        if not self.env.context.get(EXACT_RECIPIENTS_KEY) or self.message_type != "comment":
            return super()._notify(
                force_send=force_send, send_after_commit=send_after_commit, user_signature=user_signature
            )
        self.ensure_one()
        self_sudo = self.sudo()
        partners_sudo = self_sudo.partner_ids
        if not self.env.context.get("mail_notify_author") and self_sudo.author_id:
            partners_sudo -= self_sudo.author_id
        message_values = {}
        if partners_sudo:
            message_values["needaction_partner_ids"] = [(6, 0, partners_sudo.ids)]
        if self.model and self.res_id and hasattr(self.env[self.model], "message_get_message_notify_values"):
            record = self.env[self.model].browse(self.res_id)
            message_values.update(record.message_get_message_notify_values(self, message_values))
        if message_values:
            self.write(message_values)
        # Same split as stock: users who chose the inbox get it there.
        inbox_partners = partners_sudo.filtered(
            lambda partner: "inbox" in partner.mapped("user_ids.notification_type")
        )
        email_partners = partners_sudo - inbox_partners
        if email_partners:
            email_partners._notify(
                self,
                force_send=force_send,
                send_after_commit=send_after_commit,
                user_signature=user_signature,
            )
        inbox_partners._notify_by_chat(self)
        if self.parent_id:
            self.parent_id.invalidate_cache()
        return True
