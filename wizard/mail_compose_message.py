# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config
from odoo.tools.safe_eval import safe_eval, time

from ..delivery.template_text import generalize
from ..models.mail_document_send_mixin import EXACT_RECIPIENTS_KEY

# Template fields that make a saved message behave like the template it was
# written from: same sender, recipients, language and attached PDF (stock's
# "Save as template" keeps none of them: the saved template would send no
# PDF, in the sender's language).
COPIED_TEMPLATE_FIELDS = (
    "email_from",
    "use_default_to",
    "partner_to",
    "email_to",
    "email_cc",
    "reply_to",
    "lang",
    "report_template_ids",
    "mail_server_id",
    "auto_delete",
)


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    mail_document_send_exact = fields.Boolean(
        string="Recipients are exactly the contacts in To",
        compute="_compute_mail_document_send_exact",
        help="Technical: set on a quotation, order, invoice or credit note, whose followers are "
        "prefilled in To and notified only if they stay there.",
    )
    mail_document_send_server_warning = fields.Char(
        string="Outgoing mail server warning",
        compute="_compute_mail_document_send_server_warning",
    )

    mail_document_send_template_attachment_ids = fields.Many2many(
        comodel_name="ir.attachment",
        string="Files kept in the template",
        compute="_compute_mail_document_send_template_attachment_ids",
        help="Save as template keeps the files you attached, not the document's own PDF: each "
        "document gets its own.",
    )

    @api.depends("model", "res_ids")
    def _compute_mail_document_send_exact(self):
        for composer in self:
            composer.mail_document_send_exact = bool(composer._mail_document_send_records())

    @api.depends("attachment_ids", "template_id")
    def _compute_mail_document_send_template_attachment_ids(self):
        # Listed in the Save as template dialog, before saving.
        for composer in self:
            records = (
                composer._mail_document_send_records() if composer.composition_mode == "comment" else None
            )
            if records and len(records) == 1:
                source = composer.template_id if composer.template_id.model == composer.model else None
                composer.mail_document_send_template_attachment_ids = (
                    composer._mail_document_send_template_files(
                        records, source or composer.template_id.browse()
                    )
                )
            else:
                composer.mail_document_send_template_attachment_ids = composer.attachment_ids

    @api.depends("mail_document_send_exact")
    def _compute_mail_document_send_server_warning(self):
        warning = None
        for composer in self:
            if composer.mail_document_send_exact:
                if warning is None:
                    warning = self._mail_document_send_server_warning()
                composer.mail_document_send_server_warning = warning
            else:
                composer.mail_document_send_server_warning = False

    @api.depends("subtype_id")
    def _compute_partner_ids(self):
        # The followers are the recipients: show them all in "To", so that the
        # list the user sees is the list that gets the mail. Not in a log
        # note: it would email them.
        result = super()._compute_partner_ids()
        for composer in self:
            if (
                composer.composition_mode != "comment"
                or composer.composition_batch
                or composer.subtype_is_log
            ):
                continue
            records = composer._mail_document_send_records()
            if records and len(records) == 1:
                composer.partner_ids |= records._mail_document_send_default_recipients()
        return result

    def _generate_template_for_composer(self, res_ids, render_fields, find_or_create_partners=True):
        # Recipients and attachments, rendered when the template is applied.
        with self._mail_document_send_template_errors():
            return super()._generate_template_for_composer(
                res_ids, render_fields, find_or_create_partners=find_or_create_partners
            )

    def _set_value_from_template(self, template_fname, composer_fname=False):
        # Subject and body, rendered when the template is applied.
        with self._mail_document_send_template_errors():
            return super()._set_value_from_template(template_fname, composer_fname=composer_fname)

    @contextlib.contextmanager
    def _mail_document_send_template_errors(self):
        """Stock's render error quotes the whole template source: name the
        template and the cause instead, as soon as it is applied."""
        try:
            yield
        except Exception as error:  # pylint: disable=broad-except
            records = self._mail_document_send_records()
            if not records:
                raise
            raise UserError(records._mail_document_send_template_error(self.template_id, error)) from error

    def action_schedule_message(self, scheduled_date=False):
        # Scheduled, the same check as for Send, now: later nobody would see it.
        self._mail_document_send_check()
        return super().action_schedule_message(scheduled_date=scheduled_date)

    def _mail_document_send_documents(self):
        """The composers that send a document (not a log note, which goes
        to nobody)."""
        return self.filtered(
            lambda composer: composer.mail_document_send_exact and not composer.subtype_is_log
        )

    def _mail_document_send_check(self):
        """One error listing the problems of every document send."""
        documents = self._mail_document_send_documents()
        problems = []
        for composer in documents:
            problems += composer._mail_document_send_problems()
        self.env["mail.document.send.mixin"]._mail_document_send_raise(problems)
        return documents

    def action_send_mail(self):
        # The check is for the user who pressed Send and can fix what it
        # lists. Code that sends without a user at the composer goes through
        # _action_send_mail only (message_post_with_source: the order
        # confirmation when a customer signs or pays on the portal, the
        # payment receipt...): an error there would stop the customer's
        # confirmation or payment, so those sends keep stock's behaviour
        # (a bad address fails that mail, shown on the chatter).
        self._mail_document_send_check()
        return super().action_send_mail()

    def _action_send_mail(self, auto_commit=False):
        documents = self._mail_document_send_documents()
        # The composer's recipients are authoritative; a log note, with no
        # recipient, mails nobody.
        exact = self.filtered("mail_document_send_exact")
        if exact:
            self = self.with_context(**{EXACT_RECIPIENTS_KEY: True})
        result = super()._action_send_mail(auto_commit=auto_commit)
        # Stock marks a single quotation sent through its Send button's
        # context; a send from the list (mass_mail) knows nothing about it.
        for composer in documents.filtered(lambda composer: composer.composition_mode == "mass_mail"):
            records = composer._mail_document_send_records()
            if hasattr(records, "_mail_document_send_mark_sent"):
                records._mail_document_send_mark_sent()
        return result

    def create_mail_template(self):
        # Stock's "Save as template" keeps the message as written for this
        # document, in the user's language only (the other languages keep
        # the first document's number, customer and amount), and moves every
        # file of the composer into the template, this document's PDF too:
        # each later customer would get it.
        self.ensure_one()
        records = self._mail_document_send_records()
        if not records or len(records) != 1 or self.composition_mode != "comment":
            return super().create_mail_template()
        source = self.template_id if self.template_id.model == self.model else self.template_id.browse()
        message = {
            "subject": self.subject,
            "body": self.body,
            "attachment_ids": [(6, 0, self.attachment_ids.ids)],
        }
        composed = self.attachment_ids
        # The template gets the text generalized, and only the files the
        # user attached; the message keeps its own.
        self.write(self._mail_document_send_template_message(records, source))
        result = super().create_mail_template()
        self._mail_document_send_copy_template_fields(source)
        # Stock reloads the composer from the new template: give the user
        # back the message they wrote, its PDF rendered once.
        fresh = self.attachment_ids - composed
        self.write(message)
        fresh.filtered(lambda attachment: attachment.res_model == self._name).unlink()
        return result

    def _mail_document_send_template_message(self, records, source):
        """Subject, body and files of the template saved from this message.

        Stock creates the template with this one text, stored for every
        language alike: it renders as written, for any customer, with
        placeholders instead of the document's own values. Only the
        expressions the user may write are put in (Odoo 18 restricts
        template rendering by default)."""
        placeholders = [
            (value, expr)
            for value, expr in records._mail_document_send_placeholders()
            if self._mail_document_send_may_write(expr)
        ]
        return {
            "subject": generalize(self.subject, [(value, "{{ %s }}" % expr) for value, expr in placeholders]),
            "body": generalize(
                self.body, [(value, '<t t-out="%s"/>' % expr) for value, expr in placeholders], is_html=True
            ),
            "attachment_ids": [(6, 0, self._mail_document_send_template_files(records, source).ids)],
        }

    def _mail_document_send_template_files(self, records, source):
        """The files a template saved from this message keeps: those the
        user attached, not the document's PDF (a template renders its own
        for each document), nor any file of this or another record, nor a
        file named after the document."""
        document_files = self._mail_document_send_rendered_reports(records, source)
        number = re.compile(r"(?<![\w/])%s(?![\w/])" % re.escape(records.name or ""))
        return self.attachment_ids.filtered(
            lambda attachment: (
                attachment.res_model == self._name
                and not attachment.res_id
                and attachment not in document_files
                and not (records.name and number.search(attachment.name or ""))
            )
        )

    def _mail_document_send_copy_template_fields(self, source):
        """Make the new template behave like the one the message was
        written from: same sender, recipients, language and report."""
        values = {}
        for field in COPIED_TEMPLATE_FIELDS if source else ():
            value = source[field]
            if (
                isinstance(value, str)
                and self.env["mail.template"]._has_unsafe_expression_template_inline_template(
                    value, self.model
                )
                and not self._mail_document_send_may_write(None)
            ):
                continue
            if field == "report_template_ids":
                value = [(6, 0, value.ids)]
            elif isinstance(value, models.BaseModel):
                value = value.id
            values[field] = value
        self.template_id.write(values)

    def _mail_document_send_may_write(self, expression):
        """Whether the current user may save `expression` (None: any
        expression) in a template, as stock's check on template writes
        (mail.render.mixin._check_access_right_dynamic_template) decides."""
        if self.env.su or self.env.user.has_group("mail.group_mail_template_editor"):
            return True
        return bool(expression) and self.env["ir.qweb"]._is_expression_allowed(expression, self.model)

    @api.model
    def _mail_document_send_rendered_reports(self, record, source):
        """The attachments of the composer that `source` rendered for this
        document (its PDF), named in whichever language the template
        rendered them (the customer's, not the user's)."""
        names = set()
        for report in source.report_template_ids:
            for lang, _name in self.env["res.lang"].get_installed():
                report_name = report.with_context(lang=lang).print_report_name
                if report_name:
                    name = safe_eval(report_name, {"object": record.with_context(lang=lang), "time": time})
                    names |= {name, "%s.pdf" % name, "%s.html" % name}
        return self.attachment_ids.filtered(lambda attachment: attachment.name in names)

    def _mail_document_send_records(self):
        """The documents this composer sends the addon's way (empty when
        none, or when the model is not one of them)."""
        self.ensure_one()
        if not self.model or self.model not in self.env:
            return None
        Model = self.env[self.model]
        if not hasattr(Model, "_mail_document_send_applies"):
            return None
        records = Model.browse(self._evaluate_res_ids())
        if not records or not records._mail_document_send_applies():
            return None
        return records

    def _mail_document_send_cc_bcc(self):
        """The composer's Cc and Bcc partners, when OCA's
        mail_composer_cc_bcc gives it some: each gets their own mail of the
        document (mail.thread._notify_thread_by_email), so they are checked
        as the partners in To are. None without that addon."""
        partners = self.env["res.partner"]
        for fname in ("partner_cc_ids", "partner_bcc_ids"):
            if fname in self._fields:
                partners |= self[fname]
        return partners

    @api.model
    def _mail_document_send_server_warning(self):
        """Say so before sending when no outgoing mail server is set up: Odoo
        then falls back on the configuration file's SMTP host, by default
        localhost:25, which on most servers has no mail server behind it,
        and the mail fails minutes later in a menu the user never opens. Not
        a refusal: the configuration file may name a real server."""
        if self.env["ir.mail_server"].sudo().search_count([]):
            return False
        if config.get("smtp_server") not in (None, False, "", "localhost", "127.0.0.1"):
            return False
        return self.env._(
            "No outgoing mail server is set up: Odoo will hand this email to %(host)s, port %(port)s. "
            "If no mail server listens there, the email will fail. Ask an administrator to add one "
            "in Settings > Technical > Email > Outgoing Mail Servers.",
            host=config.get("smtp_server") or "localhost",
            port=config.get("smtp_port") or 25,
        )

    def _mail_document_send_problems(self):
        """Every reason not to send, checked before anything is posted."""
        self.ensure_one()
        records = self._mail_document_send_records()
        template = self.template_id
        problems = []
        if self.composition_mode == "comment":
            if not self.partner_ids:
                problems.append(self.env._("There is no recipient."))
            problems += records._mail_document_send_recipient_problems(
                self.partner_ids | self._mail_document_send_cc_bcc()
            )
            problems += records._mail_document_send_subject_problems(self.subject)
            problems += records._mail_document_send_template_problems(template)
        else:
            # From the list: one mail per document, to its customer, with the
            # template rendered for it; each problem names its document.
            subjects = {}
            template_problems = records._mail_document_send_template_problems(template)
            if not template_problems and template.subject:
                subjects = template._render_field("subject", records.ids, compute_lang=True)
            for record in records:
                record_problems = records._mail_document_send_recipient_problems(record.partner_id)
                if not record.partner_id:
                    record_problems.append(self.env._("There is no recipient."))
                record_problems += records._mail_document_send_subject_problems(
                    subjects.get(record.id, self.subject)
                )
                if template_problems:
                    # Which document: render it alone.
                    record_problems += record._mail_document_send_template_problems(template)
                problems += [
                    self.env._("%(document)s: %(problem)s", document=record.display_name, problem=problem)
                    for problem in record_problems
                ]
        problems += records._mail_document_send_size_problems(
            [(attachment.name, attachment.file_size) for attachment in self.attachment_ids]
        )
        return problems
