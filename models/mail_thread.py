# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
import logging

from odoo import api, models
from odoo.tools import email_normalize, email_split, formataddr

from ..delivery.dsn import DELAYED, DELIVERED, EXPANDED, RELAYED, parse_dsn
from ..delivery.header import one_line

_logger = logging.getLogger(__name__)

#: Report actions that say the mail is not (yet) lost.
_NOT_A_BOUNCE = (DELAYED, DELIVERED, RELAYED, EXPANDED)
#: A bounce is written by a stranger: what of it reaches a note stays short.
_MAX_REASON = 500
#: Set while a document's message is split into one mail per recipient.
_SPLIT_KEY = "mail_document_send_split"
#: The split's context. OCA's mail_composer_cc_bcc, when installed, reads
#: the composer's context at notification and at send time: it puts the Cc
#: and Bcc addresses on every mail (email_cc, email_bcc) and rebuilds each
#: mail's To, Cc and envelope from context keys that a queued mail or a
#: retry no longer has. Its own keys turn that off for the split's mails,
#: which carry their headers themselves (_mail_document_send_copy_headers).
#: Without that addon the keys are read by nobody.
_SPLIT_CONTEXT = {_SPLIT_KEY: True, "is_from_composer": False, "skip_adding_cc_bcc": True}


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _notify_thread_by_email(self, message, recipients_data, msg_vals=False, **kwargs):
        """A document's email: one mail.mail per recipient.

        Stock puts up to `mail.batch_size` (50) recipients in one mail.mail,
        sent as one SMTP message each but with one state for all: when the
        server turns one down, the retry sends the mail again to those who
        already got it. Alone in its mail.mail, each recipient's delivery
        fails, is retried, journaled, bounces and is shown in the envelope on
        its own.

        Here on mail.thread, not on mail.delivery.state.mixin: a document
        inheriting ["sale.order", "mail.delivery.state.mixin"] has the mixin
        after mail.thread in its MRO, so an override there is never called
        (and the mixin cannot inherit mail.thread: Odoo's flat bases then
        have no consistent MRO)."""
        email_recipients = [r for r in recipients_data if r["notif"] == "email"]
        if len(email_recipients) <= 1 or not isinstance(self, self.pool["mail.delivery.state.mixin"]):
            return super()._notify_thread_by_email(message, recipients_data, msg_vals=msg_vals, **kwargs)
        notify = super(MailThread, self.with_context(**_SPLIT_CONTEXT))._notify_thread_by_email
        for recipient in email_recipients:
            notify(message, [recipient], msg_vals=msg_vals, **kwargs)
        return True

    def _notify_by_email_get_base_mail_values(self, message, additional_values=None):
        values = super()._notify_by_email_get_base_mail_values(message, additional_values=additional_values)
        if self.env.context.get(_SPLIT_KEY):
            values = self._mail_document_send_copy_headers(message, values)
        return values

    def _mail_document_send_copy_headers(self, message, values):
        """The mail values of one recipient of a split message that has Cc
        or Bcc partners (OCA's mail_composer_cc_bcc): each of them has its
        own mail, as the To partners do, and every mail shows the To and
        Cc the user wrote.

        Written as headers of the mail.mail, so the queue, a retry and a
        bulk retry send the same message: X-Forge-To becomes the To header
        after stock's _prepare_email_message has taken the envelope from
        the mail's own recipient, and the Cc header stays out of the
        envelope, which stock's _send and the queue restrict to that
        recipient (send_validated_to). No email_cc nor email_bcc on the
        mail: stock would mail its addresses again with each recipient's
        mail. A Bcc partner is in no header of any mail, its own included;
        the journal has its row (internal users only), like every
        recipient's."""
        cc = message._mail_document_send_cc()
        if not cc and not message._mail_document_send_bcc():
            return values
        values.pop("email_cc", None)
        values.pop("email_bcc", None)
        headers = ast.literal_eval(values.get("headers") or "{}")
        to = _formatted(message.sudo().partner_ids)
        if to:
            headers["X-Forge-To"] = to
        if cc:
            headers["Cc"] = _formatted(cc)
        values["headers"] = repr(headers)
        return values

    @api.model
    def _routing_handle_bounce(self, email_message, message_dict):
        """A delivery status notification (DSN) reached the bounce address.

        Stock counts it on the partner and marks the chatter notification,
        for any multipart/report, a "delayed" warning included, and reads
        only the report's first recipient. Here every recipient of the report
        is matched against the journal (Message-ID *and* address: one
        message goes out as one mail per recipient, all with the same
        Message-ID): a hard bounce journals the DSN and marks the document
        bounced; a soft one is journalled only.

        Anyone can write to the bounce address: nothing is done unless a
        journal row of ours has this Message-ID and this recipient."""
        report = None
        try:
            report = parse_dsn(email_message)
        except Exception:  # noqa: BLE001 a stranger's mail must not stop stock's handling
            _logger.info(
                "Bounce %s could not be read as a DSN", message_dict.get("message_id"), exc_info=True
            )
        skip_stock = False
        if report is not None and report.recipients:
            try:
                with self.env.cr.savepoint():
                    skip_stock = self._mds_handle_dsn(report, message_dict)
            except Exception:  # noqa: BLE001
                _logger.exception(
                    "Bounce %s: the delivery journal could not be updated", message_dict.get("message_id")
                )
        if skip_stock:
            return None
        return super()._routing_handle_bounce(email_message, message_dict)

    @api.model
    def _mds_handle_dsn(self, report, message_dict):
        """Journal and act on `report`; return True when stock must not count
        it as a bounce: a report that only delays (or confirms) delivery,
        or one naming none of the recipients our journal sent that mail to."""
        dsn_id = message_dict.get("message_id")
        message_ids = list(report.message_ids)
        for mid in message_dict.get("bounced_msg_ids") or []:
            if mid and mid not in message_ids:
                message_ids.append(mid)
        Log = self.env["mail.delivery.log"].sudo()
        sent_rows = (
            Log.search([("message_id", "in", message_ids), ("state", "=", "sent")], order="id desc")
            if message_ids
            else Log
        )
        only_delays = all(status.action in _NOT_A_BOUNCE for status in report.recipients)
        if not sent_rows:
            _logger.info(
                "Bounce %s about Message-ID %s: no email of ours has that Message-ID, nothing changed",
                dsn_id,
                ", ".join(message_ids) or "(none)",
            )
            return only_delays
        matched = False
        for status in report.recipients:
            if status.severity is None:
                continue
            addresses = {status.recipient, status.original_recipient} - {""}
            row = next((row for row in sent_rows if addresses & _addresses_of(row.recipients)), None)
            if row is None:
                _logger.info(
                    "Bounce %s: the email %s was not sent to %s, nothing changed",
                    dsn_id,
                    sent_rows[0].message_id,
                    status.recipient,
                )
                continue
            matched = True
            if status.is_hard:
                self._mds_hard_bounce(row, status, dsn_id)
            else:
                self._mds_soft_bounce(row, status, dsn_id)
        return only_delays or not matched

    def _mds_bounce_values(self, row, status, state, reason=False):
        return {
            "company_id": row.company_id.id,
            "user_id": row.user_id.id,
            "model": row.model,
            "res_id": row.res_id,
            "record_name": row.record_name,
            "is_document_email": row.is_document_email,
            "mail_message_id": row.mail_message_id.id,
            "mail_id": row.mail_id,
            "message_id": row.message_id,
            "recipients": status.recipient,
            "subject": row.subject,
            "attempt": row.attempt,
            "state": state,
            "dsn_status": status.status or False,
            "dsn_action": status.action or False,
            "dsn_diagnostic": status.diagnostic_code or False,
            "dsn_reporting_mta": status.reporting_mta or False,
            "dsn_remote_mta": status.remote_mta or False,
            "failure_reason": reason,
        }

    def _mds_soft_bounce(self, row, status, dsn_id):
        _logger.info(
            "Bounce %s: delivery of %s to %s delayed (%s), still being tried",
            dsn_id,
            row.message_id,
            status.recipient,
            status.status,
        )
        self.env["mail.delivery.log"]._log_bounce(self._mds_bounce_values(row, status, "delayed"))

    def _mds_hard_bounce(self, row, status, dsn_id):
        Log = self.env["mail.delivery.log"].sudo()
        last = Log.search(
            [("mail_id", "=", row.mail_id), ("message_id", "=", row.message_id), ("state", "!=", "delayed")],
            order="id desc",
            limit=1,
        )
        if last.state == "bounced" and status.recipient in _addresses_of(last.recipients):
            _logger.info("Bounce %s: %s already bounced for %s", dsn_id, row.message_id, status.recipient)
            return
        _logger.info(
            "Bounce %s: %s refused for %s (%s %s)",
            dsn_id,
            row.message_id,
            status.recipient,
            status.status,
            status.diagnostic_code,
        )
        said = (status.diagnostic_code or status.status or "")[:_MAX_REASON]

        def refused(env):
            return env._(
                "The recipient's mail server refused the email: %(reason)s. Check the address %(address)s, "
                "then send the document again.",
                reason=said,
                address=status.recipient,
            )

        reason = refused(self.env)
        new_row = Log._log_bounce(self._mds_bounce_values(row, status, "bounced", reason))
        document = new_row._mds_document()
        if document is not None:
            document._mds_email_bounced(
                {"subject": row.subject, "recipients": status.recipient, "message_id": row.message_id},
                refused,
            )


def _addresses_of(recipients):
    """The normalised addresses of a journal row's recipients text."""
    return {email_normalize(address) or address.lower() for address in email_split(recipients or "")}


def _formatted(partners):
    """The partners with an email, as one header value on one line."""
    return one_line(
        ", ".join(
            formataddr((one_line(partner.name or ""), one_line(partner.email)))
            for partner in partners
            if partner.email
        )
    )
