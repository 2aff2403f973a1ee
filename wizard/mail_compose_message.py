# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import _, api, fields, models
from odoo.addons.mail.models.mail_template import mako_template_env
from odoo.exceptions import UserError
from odoo.tools import config, ustr

from ..delivery.address import NON_ASCII_LOCAL, address_problem
from ..models.mail_message import EXACT_RECIPIENTS_KEY

# Documents whose send by email this addon takes over.
DOCUMENT_MODELS = ("sale.order", "account.invoice")
MAX_SIZE_PARAM = "mail_document_send.max_attachment_size"
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
# A document goes to its customer's contacts: hundreds of recipients is a
# mailing sent by mistake (one SMTP message, PDF included, per recipient).
MAX_RECIPIENTS_PARAM = "mail_document_send.max_recipients"
DEFAULT_MAX_RECIPIENTS = 100
# Problems listed one by one in the error; past that, a count.
MAX_PROBLEMS_SHOWN = 20
# Template fields rendered when a mail is generated: any of them may fail.
TEMPLATE_FIELDS = (
    "subject",
    "body_html",
    "email_from",
    "email_to",
    "partner_to",
    "email_cc",
    "reply_to",
    "report_name",
)


def base64_size(size):
    """Bytes an attachment of `size` bytes takes once base64-encoded."""
    return 4 * math.ceil(size / 3)


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    mail_document_send_server_warning = fields.Char(
        "Outgoing mail server warning",
        readonly=True,
        help="Set when the composer opens if Odoo has no outgoing mail server to send through.",
    )

    @api.model
    def default_get(self, fields):
        # The followers are the recipients: show them all in the composer, so
        # that the list the user sees is the list that gets the mail. Not in
        # a log note, whose recipient field is hidden: it would email them.
        result = super().default_get(fields)
        if "mail_document_send_server_warning" in fields and result.get("model") in DOCUMENT_MODELS:
            result["mail_document_send_server_warning"] = self._mail_document_send_server_warning()
        if (
            "partner_ids" in fields
            and result.get("composition_mode") == "comment"
            and result.get("model") in DOCUMENT_MODELS
            and result.get("res_id")
            and not (result.get("is_log") or self.env.context.get("default_is_log"))
        ):
            result["partner_ids"] = self._mail_document_send_recipients(
                result["model"], result["res_id"], result.get("partner_ids")
            )
        return result

    @api.multi
    def onchange_template_id(self, template_id, composition_mode, model, res_id):
        # Applying a template (which the web client does as soon as the
        # composer opens) replaces the recipients with the template's: keep
        # the followers in, or the composer would show the customer alone.
        result = super().onchange_template_id(template_id, composition_mode, model, res_id)
        values = result.get("value", {})
        if (
            composition_mode == "comment"
            and model in DOCUMENT_MODELS
            and res_id
            and "partner_ids" in values
            and not self.is_log
        ):
            values["partner_ids"] = self._mail_document_send_recipients(model, res_id, values["partner_ids"])
        return result

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
        return _(
            "No outgoing mail server is set up: Odoo will hand this email to %(host)s, port %(port)s. "
            "If no mail server listens there, the email will fail. Ask an administrator to add one "
            "in Settings > Technical > Email > Outgoing Mail Servers."
        ) % {"host": config.get("smtp_server") or "localhost", "port": config.get("smtp_port") or 25}

    @api.model
    def _mail_document_send_recipients(self, model, res_id, commands):
        """The followers of the document (but the sender) and the partners of
        the x2many `commands`, as one replacing command."""
        record = self.env[model].browse(res_id)
        ids = set((record.message_partner_ids - self.env.user.partner_id).ids)
        for command in commands or []:
            if isinstance(command, (list, tuple)) and command[0] == 6:
                ids.update(command[2])
            elif isinstance(command, (list, tuple)) and command[0] == 4:
                ids.add(command[1])
            elif isinstance(command, int):
                ids.add(command)
        return [(6, 0, sorted(ids))]

    @api.multi
    def save_as_template(self):
        # Stock saves at once under "<model>: <subject>", a name nobody
        # recognises in "Use template" later: ask for it, as any "Save as".
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Save as new template"),
            "res_model": "mail.compose.template.save",
            "view_mode": "form",
            "views": [(self.env.ref("mail_document_send.mail_compose_template_save_view_form").id, "form")],
            "target": "new",
            "context": dict(self.env.context, default_composer_id=self.id),
        }

    @api.multi
    def send_mail(self, auto_commit=False):
        # A log note (the chatter's "Log note", expanded to the full composer)
        # goes to nobody: neither the followers nor the checks of a send.
        documents = self.filtered(lambda wizard: wizard.model in DOCUMENT_MODELS and not wizard.is_log)
        problems = []
        for wizard in documents:
            problems += wizard._mail_document_send_problems()
        if problems:
            lines = ["- %s" % problem for problem in problems[:MAX_PROBLEMS_SHOWN]]
            if len(problems) > MAX_PROBLEMS_SHOWN:
                lines.append(_("- and %d more problems.") % (len(problems) - MAX_PROBLEMS_SHOWN))
            raise UserError(_("This mail cannot be sent:\n%s") % "\n".join(lines))
        if documents:
            # The composer's recipients are authoritative: see mail.message._notify.
            self = self.with_context(**{EXACT_RECIPIENTS_KEY: True})
        result = super().send_mail(auto_commit=auto_commit)
        # Stock marks a single document sent through context keys of its own
        # Send button; a send from the list goes through mass_mail mode,
        # which knows nothing about them.
        for wizard in documents.filtered(lambda wizard: wizard.composition_mode == "mass_mail"):
            records = self.env[wizard.model].browse(wizard._mail_document_send_res_ids())
            records._mail_document_send_mark_sent()
        return result

    @api.multi
    def _mail_document_send_res_ids(self):
        self.ensure_one()
        if self.composition_mode == "mass_mail" and self.env.context.get("active_ids"):
            return list(self.env.context["active_ids"])
        return [self.res_id]

    @api.multi
    def _mail_document_send_problems(self):
        """Every reason not to send, checked before anything is posted."""
        self.ensure_one()
        problems = []
        if self.composition_mode == "comment":
            if not self.partner_ids:
                problems.append(_("There is no recipient."))
            limit = int(
                self.env["ir.config_parameter"].sudo().get_param(MAX_RECIPIENTS_PARAM, DEFAULT_MAX_RECIPIENTS)
            )
            if len(self.partner_ids) > limit:
                problems.append(
                    _(
                        "There are %(count)d recipients, more than the %(limit)d a document can be sent to "
                        "at once. Remove recipients, or ask an administrator to raise the limit "
                        "(system parameter %(param)s)."
                    )
                    % {"count": len(self.partner_ids), "limit": limit, "param": MAX_RECIPIENTS_PARAM}
                )
            # read(): one query per thousand recipients; record by record,
            # prefetching every field, 10,000 recipients took 50 s. And
            # self.partner_ids once: each access builds the whole recordset
            # again (quadratic, 5 s for 10,000 recipients).
            recipients = self.partner_ids
            for row in recipients.read(["email"]):
                problem = self._mail_document_send_address_problem(recipients.browse(row["id"]), row["email"])
                if problem:
                    problems.append(problem)
        elif self.composition_mode == "mass_mail":
            # One mail per document, addressed from the template to its customer.
            for record in self.env[self.model].browse(self._mail_document_send_res_ids()):
                problem = self._mail_document_send_address_problem(record.partner_id, record.partner_id.email)
                if problem:
                    problems.append(
                        _("%(document)s: %(problem)s") % {"document": record.display_name, "problem": problem}
                    )
        limit = int(self.env["ir.config_parameter"].sudo().get_param(MAX_SIZE_PARAM, DEFAULT_MAX_SIZE))
        total = sum(base64_size(attachment.file_size or 0) for attachment in self.attachment_ids)
        if total > limit:
            problems.append(
                _("The attachments weigh %(size).1f MB once encoded, over the limit of %(limit).1f MB.")
                % {"size": total / 1024.0 / 1024.0, "limit": limit / 1024.0 / 1024.0}
            )
        if self.template_id:
            problems += self._mail_document_send_template_problems()
        return problems

    @api.model
    def _mail_document_send_address_problem(self, partner, email):
        """Why `email`, the address of `partner`, cannot be sent to, or None."""
        if not email:
            return _("The recipient %s has no email address.") % partner.display_name
        problem = address_problem(email.strip())
        if problem == NON_ASCII_LOCAL:
            return _(
                "The email address %(email)r of %(partner)s has accents or other non-ASCII "
                "characters before the @, which mail servers do not accept."
            ) % {"email": email, "partner": partner.display_name}
        if problem:
            return _("The email address %(email)r of %(partner)s is malformed.") % {
                "email": email,
                "partner": partner.display_name,
            }
        return None

    @api.multi
    def _mail_document_send_template_renders(self):
        """Whether every field of the template renders for every document:
        one compilation and one render call per field for the whole
        selection (per document, 50 invoices cost 400 Mako compilations)."""
        template = self.template_id
        res_ids = self._mail_document_send_res_ids()
        try:
            for field in TEMPLATE_FIELDS:
                text = template[field]
                if text:
                    mako_template_env.from_string(ustr(text))
                    template.render_template(text, self.model, res_ids)
        except Exception:  # pylint: disable=broad-except
            return False
        return True

    @api.multi
    def _mail_document_send_template_problems(self):
        self.ensure_one()
        template = self.template_id
        problems = []
        if self._mail_document_send_template_renders():
            return problems
        # Something fails: find which field, for which document.
        for res_id in self._mail_document_send_res_ids():
            for field in TEMPLATE_FIELDS:
                text = template[field]
                if not text:
                    continue
                try:
                    # render_template logs and swallows a syntax error,
                    # rendering an empty mail: compile first to catch it.
                    mako_template_env.from_string(ustr(text))
                    template.render_template(text, self.model, [res_id])
                except Exception as error:
                    # Stock wraps the real cause in a UserError dumping every
                    # variable: the chained exception says what went wrong.
                    cause = error.__context__ if isinstance(error, UserError) and error.__context__ else error
                    problem = _("The template %(template)s fails to render (%(field)s): %(cause)s") % {
                        "template": template.name,
                        "field": field,
                        "cause": ustr(cause),
                    }
                    if self.composition_mode == "mass_mail":
                        # From the list: say which document it fails for.
                        problem = "%s: %s" % (self.env[self.model].browse(res_id).display_name, problem)
                    problems.append(problem)
                    break
        return problems
