# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import api, models, tools
from odoo.exceptions import UserError

from ..delivery.address import NON_ASCII_LOCAL, address_problem, ascii_address
from ..delivery.filename import safe_filename
from ..delivery.header import has_line_break, hidden_addresses

#: Context key set by the composer's and the invoice wizard's send: the
#: partners of the posted message are its whole audience (see
#: _mail_document_send_exact_recipients).
EXACT_RECIPIENTS_KEY = "mail_document_send_exact_recipients"
MAX_SIZE_PARAM = "mail_document_send.max_attachment_size"
# A document goes to its customer's contacts: hundreds of recipients is a
# mailing sent by mistake (one SMTP message, PDF included, per recipient).
MAX_RECIPIENTS_PARAM = "mail_document_send.max_recipients"
DEFAULT_MAX_RECIPIENTS = 100
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
# Problems listed one by one in the error; past that, a count.
MAX_PROBLEMS_SHOWN = 20
#: Template fields rendered for a mail: any of them may fail.
TEMPLATE_FIELDS = ("subject", "body_html", "email_from", "email_to", "partner_to", "email_cc", "reply_to")


def base64_size(size):
    """Bytes an attachment of `size` bytes takes once base64-encoded."""
    return 4 * math.ceil(size / 3)


def innermost_error(error):
    """The exception at the bottom of `error`'s chain: Odoo wraps a render
    failure in a UserError quoting the whole template source, and QWeb in
    a QWebException; the bottom one says what went wrong."""
    seen = []
    while error is not None and error not in seen:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen[-1]


class MailDocumentSendMixin(models.AbstractModel):
    """What sending a document by email needs from the document: its
    customer among its followers, the followers as recipients (and only
    them), the checks run before anything is sent, and the PDF's name in
    the customer's language."""

    _name = "mail.document.send.mixin"
    _description = "Document sent by email"

    #: XML id of this addon's template for the kind of document.
    _mail_document_send_template = None

    # Stock Odoo 18 subscribes the customer on send, confirmation or
    # posting; the recipients are taken from the followers, so the customer
    # follows the document from the moment it is saved, and whoever becomes
    # its customer later follows it too.
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._mail_document_send_subscribe_customer()
        return records

    def write(self, vals):
        result = super().write(vals)
        if vals.get("partner_id"):
            self._mail_document_send_subscribe_customer()
        return result

    def _mail_document_send_subscribe_customer(self):
        for record in self.filtered("partner_id"):
            record.message_subscribe(partner_ids=record.partner_id.ids)

    def _mail_document_send_applies(self):
        """Whether this document is sent the addon's way (hook: invoices
        exclude vendor bills)."""
        return True

    def _mail_document_send_default_recipients(self, excluded=None):
        """Followers of the document but the sender (and `excluded`)."""
        self.ensure_one()
        return self.message_partner_ids - self.env.user.partner_id - (excluded or self.env["res.partner"])

    def _mail_document_send_exact_recipients(self, recipients_data, message, msg_vals):
        """Keep only the message's own partners in `recipients_data`, as
        built by mail.thread._notify_get_recipients, when the send asked so.

        Stock adds every follower subscribed to Discussions, so a follower
        removed from "To" would still get the document. Only user comments
        are concerned: tracking messages posted during the same send keep
        reaching the followers as usual. A log note has no partners: it
        mails nobody. The message's Cc and Bcc partners, when an addon
        gives it some (OCA's mail_composer_cc_bcc: recipient_cc_ids,
        recipient_bcc_ids, added to `recipients_data` by its own
        _notify_get_recipients), are part of the audience the user wrote."""
        if not self.env.context.get(EXACT_RECIPIENTS_KEY):
            return recipients_data
        message_type = msg_vals.get("message_type") if msg_vals else message.sudo().message_type
        if message_type != "comment":
            return recipients_data
        pids = set(msg_vals.get("partner_ids", []) if msg_vals else message.sudo().partner_ids.ids)
        pids.update(message._mail_document_send_copied_partners().ids)
        return [data for data in recipients_data if data["id"] in pids]

    def mail_document_send_filename(self):
        """Name of the PDF sent by email, in the customer's language, without
        extension.

        Public because report names are evaluated in a sandbox that refuses
        private attributes."""
        self.ensure_one()
        record = self.with_context(lang=self.partner_id.lang or self.env.lang)
        return safe_filename(record._mail_document_send_filename())

    def _mail_document_send_filename(self):
        """The file name without extension, in the context's language."""
        return "%s - %s" % (self.mail_document_send_kind(), self._mail_document_send_number())

    def mail_document_send_kind(self):
        """What the document is ("Quotation", "Invoice"...), in the
        context's language: templates render it in the customer's.

        Public because templates render in a sandbox that refuses private
        attributes."""
        raise NotImplementedError()

    def _mail_document_send_number(self):
        self.ensure_one()
        return self.name

    #: Fields a message saved as a template names by their value, turned
    #: back into placeholders: amounts (formatted in the document's
    #: currency), dates, and the salesperson.
    _mail_document_send_amount_fields = ("amount_total", "amount_untaxed", "amount_tax")
    _mail_document_send_date_fields = ()
    _mail_document_send_user_field = "user_id"

    @api.model
    def _mail_document_send_placeholder_expressions(self):
        """The expressions a saved template may hold for this kind of
        document, whoever saves it: each reads one field of the document
        and formats it, nothing else."""
        user = self._mail_document_send_user_field
        return (
            "object.name",
            "object.partner_id.name",
            "object.partner_id.lang",
            "object.%s.name" % user,
            "object.mail_document_send_kind()",
            *(
                "format_amount(object.%s, object.currency_id)" % field
                for field in self._mail_document_send_amount_fields
            ),
            *("format_date(object.%s)" % field for field in self._mail_document_send_date_fields),
        )

    @api.model
    def mail_allowed_qweb_expressions(self):
        # Odoo 18 lets a user who is no Mail Template Editor save only the
        # expressions listed here: a salesperson's saved template then
        # names the next document, not the one it was written for.
        return super().mail_allowed_qweb_expressions() + self._mail_document_send_placeholder_expressions()

    def _mail_document_send_placeholders(self):
        """(value as a message may write it, expression) pairs naming this
        document: its number, customer, kind, amounts, dates and
        salesperson, each value as it reads in every installed language
        (the template wrote it in the customer's, the user in their own)."""
        self.ensure_one()
        pairs = [
            (self.name, "object.name"),
            (self.partner_id.name, "object.partner_id.name"),
            (
                self[self._mail_document_send_user_field].name,
                "object.%s.name" % self._mail_document_send_user_field,
            ),
        ]
        for lang, _name in self.env["res.lang"].get_installed():
            record = self.with_context(lang=lang)
            pairs.append((record.mail_document_send_kind(), "object.mail_document_send_kind()"))
            for field in self._mail_document_send_amount_fields:
                if self[field]:
                    pairs.append(
                        (
                            tools.format_amount(self.env, self[field], self.currency_id, lang_code=lang),
                            "format_amount(object.%s, object.currency_id)" % field,
                        )
                    )
            for field in self._mail_document_send_date_fields:
                if self[field]:
                    pairs.append(
                        (
                            tools.format_date(self.env, self[field], lang_code=lang),
                            "format_date(object.%s)" % field,
                        )
                    )
        return [(value, expression) for value, expression in pairs if value]

    @api.model
    def _mail_document_send_translate_template(self, template_id, lang, subject, words):
        """Install the `lang` translation of a template of this addon: its
        `subject`, and its body, where each English fragment of `words`
        (English: translation) is replaced. Nothing when `lang`
        is not installed."""
        if lang not in dict(self.env["res.lang"].get_installed()):
            return
        template = self.env["mail.template"].browse(template_id)
        template.update_field_translations("subject", {lang: subject})
        # A template's body is translated as a whole (translate=True).
        body = template.with_context(lang="en_US").body_html
        for english in sorted(words, key=len, reverse=True):
            body = body.replace(english, words[english])
        template.update_field_translations("body_html", {lang: body})

    # ------------------------------------------------------------------
    # The one check before sending
    # ------------------------------------------------------------------

    @api.model
    def _mail_document_send_recipient_problems(self, partners):
        """Why each of `partners` cannot receive the email: no address, a
        malformed one, or a line break in its name or address (it would
        add a header or a recipient on the wire)."""
        problems = []
        limit = int(
            self.env["ir.config_parameter"].sudo().get_param(MAX_RECIPIENTS_PARAM, DEFAULT_MAX_RECIPIENTS)
        )
        if len(partners) > limit:
            problems.append(
                self.env._(
                    "There are %(count)s recipients, more than the %(limit)s a document can be sent to "
                    "at once. Remove recipients, or ask an administrator to raise the limit "
                    "(system parameter %(param)s).",
                    count=len(partners),
                    limit=limit,
                    param=MAX_RECIPIENTS_PARAM,
                )
            )
        for partner in partners:
            name = partner.name or ""
            email = (partner.email or "").strip()
            if has_line_break(name) or has_line_break(partner.email or ""):
                problems.append(
                    self.env._(
                        "The name or email address of the recipient %(partner)s holds a line break, "
                        "which could add hidden recipients or headers to the email.",
                        partner=repr(name),
                    )
                )
                continue
            if not email:
                problems.append(self.env._("The recipient %(partner)s has no email address.", partner=name))
                continue
            hidden = hidden_addresses(name, email)
            if hidden:
                problems.append(
                    self.env._(
                        "The name of the recipient %(partner)s holds another email address (%(address)s), "
                        "which would receive the email too: remove it from the name.",
                        partner=name,
                        address=", ".join(hidden),
                    )
                )
            problem = address_problem(email)
            if problem == NON_ASCII_LOCAL:
                problems.append(
                    self.env._(
                        "The email address %(email)s of %(partner)s has accents or other non-ASCII "
                        "characters before the @, which mail servers do not accept.",
                        email=email,
                        partner=name,
                    )
                )
            elif not problem and not email.isascii():
                # Measured on Odoo 18: mail.mail._send logs "Ignoring invalid
                # recipients" and the mail is sent to nobody, without error.
                problems.append(
                    self.env._(
                        "The email address %(email)s of %(partner)s has a domain with accents or other "
                        "non-ASCII characters, which Odoo cannot send to: write it as %(ascii)s.",
                        email=email,
                        partner=name,
                        ascii=ascii_address(email),
                    )
                )
            elif problem:
                problems.append(
                    self.env._(
                        "The email address %(email)s of %(partner)s is malformed.", email=email, partner=name
                    )
                )
        return problems

    @api.model
    def _mail_document_send_subject_problems(self, subject):
        if has_line_break(subject or ""):
            return [
                self.env._(
                    "The subject holds a line break, which could add hidden headers to the email: "
                    "write it on one line."
                )
            ]
        return []

    @api.model
    def _mail_document_send_size_problems(self, files):
        """`files`: (name, raw size) of each attachment of one email. The
        largest is named: the user knows a file by its name, not by the
        weight of the whole email."""
        limit = int(self.env["ir.config_parameter"].sudo().get_param(MAX_SIZE_PARAM, DEFAULT_MAX_SIZE))
        total = sum(base64_size(size or 0) for _name, size in files)
        if total <= limit:
            return []
        name, size = max(files, key=lambda file: file[1] or 0)
        values = {
            "size": self._mail_document_send_megabytes(total),
            "limit": self._mail_document_send_megabytes(limit),
            "file": repr(name) if has_line_break(name) else name,
            "file_size": self._mail_document_send_megabytes(size or 0),
        }
        # Only an administrator can change the limit: the parameter's name
        # means nothing to anyone else.
        if self.env.user._is_admin():
            return [
                self.env._(
                    "The attachments weigh %(size)s MB once encoded, over the limit of %(limit)s MB; the "
                    "largest is %(file)s (%(file_size)s MB): remove some, or raise the limit (system "
                    "parameter %(param)s).",
                    param=MAX_SIZE_PARAM,
                    **values,
                )
            ]
        return [
            self.env._(
                "The attachments weigh %(size)s MB once encoded, over the limit of %(limit)s MB; the "
                "largest is %(file)s (%(file_size)s MB): remove some, or ask your administrator to raise "
                "the limit.",
                **values,
            )
        ]

    @api.model
    def _mail_document_send_megabytes(self, size):
        """`size` bytes in megabytes, one decimal, as the user's language
        writes numbers ("15,3" in French)."""
        return tools.formatLang(self.env, size / 1024.0 / 1024.0, digits=1)

    @api.model
    def _mail_document_send_template_error(self, template, error):
        """One line naming `template` and what made it fail."""
        cause = innermost_error(error)
        text = str(cause).strip().splitlines()
        return self.env._(
            "The template %(template)s fails to render: %(cause)s",
            template=repr(template.name),
            cause="%s: %s" % (type(cause).__name__, text[0] if text else ""),
        )

    def _mail_document_send_template_problems(self, template, fields=TEMPLATE_FIELDS):
        """Render every field of `template` for these documents (one render
        call per field for all of them) and say what fails."""
        if not template:
            return []
        try:
            for field in fields:
                if template[field]:
                    template._render_field(field, self.ids, compute_lang=True)
        except Exception as error:  # pylint: disable=broad-except
            # Any error: the template is the user's own code.
            return [self._mail_document_send_template_error(template, error)]
        return []

    @api.model
    def _mail_document_send_raise(self, problems):
        """One error listing every problem, or nothing when there is none."""
        if not problems:
            return
        lines = ["- %s" % problem for problem in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(
                self.env._("- and %(count)s more problems.", count=len(problems) - MAX_PROBLEMS_SHOWN)
            )
        raise UserError(self.env._("This email cannot be sent:\n%(problems)s", problems="\n".join(lines)))
