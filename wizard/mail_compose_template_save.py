# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools
from odoo.addons.mail.models.mail_template import format_amount

from ..delivery.template_text import generalize

# Template fields that make a saved message behave like the template it was
# written from: same sender, recipients, language and attached PDF.
COPIED_TEMPLATE_FIELDS = (
    "email_from",
    "partner_to",
    "email_to",
    "email_cc",
    "reply_to",
    "lang",
    "report_template",
    "report_name",
    "mail_server_id",
    "auto_delete",
    "user_signature",
)


class MailComposeTemplateSave(models.TransientModel):
    """Asks the name of the template a message is saved as."""

    _name = "mail.compose.template.save"
    _description = "Save a message as a new email template"

    composer_id = fields.Many2one(
        comodel_name="mail.compose.message",
        string="Message",
        required=True,
        ondelete="cascade",
    )
    name = fields.Char(string="Template name", required=True)
    model_description = fields.Char(string="Offered for", readonly=True)

    @api.model
    def default_get(self, fields_list):
        result = super().default_get(fields_list)
        composer = self.env["mail.compose.message"].browse(result.get("composer_id"))
        if composer:
            model = self.env["ir.model"]._get(composer.model or "mail.message")
            result.setdefault("name", "%s: %s" % (model.name, tools.ustr(composer.subject or "")))
            result["model_description"] = model.name
        return result

    @api.multi
    def action_save(self):
        self.ensure_one()
        composer = self.composer_id
        template = self.env["mail.template"].create(self._template_values())
        template.attachment_ids = [
            (
                6,
                0,
                [
                    attachment.copy({"res_model": "mail.template", "res_id": template.id}).id
                    for attachment in self._kept_attachments()
                ],
            )
        ]
        # What the user typed stays in the composer: only the template
        # selected changes, as after picking it under "Use template".
        composer.template_id = template
        return self._reopen_composer()

    @api.multi
    def action_cancel(self):
        self.ensure_one()
        return self._reopen_composer()

    @api.multi
    def _reopen_composer(self):
        # Opening this dialog closed the composer's: open it again, with its
        # own context (what to mark sent, which layout) but not ours.
        context = dict(self.env.context, default_model=self.composer_id.model)
        context.pop("default_composer_id", None)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "res_id": self.composer_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    @api.multi
    def _source_template(self):
        """The template the message was written from, if it is for the same
        kind of document."""
        composer = self.composer_id
        template = composer.template_id
        return template if template and template.model == composer.model else template.browse()

    @api.multi
    def _template_values(self):
        composer = self.composer_id
        model = self.env["ir.model"]._get(composer.model or "mail.message")
        subject, body = composer.subject or False, composer.body or False
        record = self._document()
        if record:
            replacements = self._document_placeholders(record)
            subject = generalize(subject, replacements)
            body = generalize(body, replacements, is_html=True)
        values = {"name": self.name, "subject": subject, "body_html": body, "model_id": model.id}
        source = self._source_template()
        if source:
            for field in COPIED_TEMPLATE_FIELDS:
                value = source[field]
                values[field] = value.id if isinstance(value, models.BaseModel) else value
        return values

    @api.multi
    def _document(self):
        """The one quotation, order or invoice the message was written for."""
        composer = self.composer_id
        if composer.composition_mode != "comment" or not composer.res_id:
            return None
        if composer.model not in ("sale.order", "account.invoice"):
            return None
        return self.env[composer.model].browse(composer.res_id).exists() or None

    @api.model
    def _document_placeholders(self, record):
        """(value written in the message, placeholder) pairs: the document's
        number, customer and total, as the template rendered them."""
        number_field = "number" if record._name == "account.invoice" else "name"
        lang = record.partner_id.lang or self.env.context.get("lang")
        env = self.with_context(lang=lang).env
        amount = "${format_amount(object.amount_total, object.currency_id)}"
        return [
            (record[number_field] or "", "${object.%s}" % number_field),
            (record.partner_id.name or "", "${object.partner_id.name}"),
            (format_amount(env, record.amount_total, record.currency_id), amount),
            (format_amount(self.env, record.amount_total, record.currency_id), amount),
        ]

    @api.multi
    def _kept_attachments(self):
        """The files the user attached, not the PDF the template rendered for
        this document: the saved template renders its own for each one."""
        composer = self.composer_id
        attachments = composer.attachment_ids
        source = self._source_template()
        if source.report_template and source.report_name and composer.res_id:
            localized = source.get_email_template([composer.res_id])[composer.res_id]
            name = localized.render_template(source.report_name, source.model, [composer.res_id])[
                composer.res_id
            ]
            names = {name, "%s.pdf" % name, "%s.html" % name}
            attachments = attachments.filtered(lambda attachment: attachment.name not in names)
        return attachments
