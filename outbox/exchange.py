# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A built message handed to the mail server.

Through ir.mail_server.send_email when another addon extends it (its
override is called, as on stock); otherwise send_email's own steps, with
the server's verdict read only after `while_sending` ran (the next mail
built while the server digests this one: the server's time is not added to
Odoo's). Either way what the server answered is on the connection
(delivery/wire.py), whatever send_email returned."""

import logging
import smtplib

from odoo import modules
from odoo.addons.base.models.ir_mail_server import MailDeliveryException

from ..delivery import smtp_send, wire
from . import hooks

_logger = logging.getLogger(__name__)
#: smtplib's connection class, taken at import: Odoo's test tools replace
#: smtplib.SMTP with a mock while they hand out their own session.
_SMTP = smtplib.SMTP


def send(mailer, message, session, mail_server_id, while_sending=None):
    """Send `message` with `mailer` (the ir.mail_server build_email was
    called on). Returns the recipients the server refused while taking it
    ({address: (code, reply)}); raises what send_email would raise."""
    if session is None or hooks.extended_by_others(mailer.env, hooks.SEND_EMAIL):
        mailer.send_email(message, mail_server_id=mail_server_id, smtp_session=session)
        _run(while_sending)
        return {}
    smtp_from, smtp_to_list, message = mailer._prepare_email_message(message, session)
    # Stock's send_email does not send in a test run but for the tests that
    # lift the flag (tests/common.py real_smtp_delivery).
    if modules.module.current_test:
        _run(while_sending)
        return {}
    connection = getattr(session, "__obj__", session)
    try:
        with wire.exchange(connection) as record:
            if isinstance(connection, _SMTP):
                flat = smtp_send.flatten_plain(message, smtp_from, smtp_to_list)
                verdict = smtp_send.send_until_verdict(session, smtp_from, smtp_to_list, flat)
                _run(while_sending)
                refused = verdict()
            else:
                # What stands in for smtplib (the session Odoo's test tools
                # hand out) gets send_message, as send_email gives it.
                refused = session.send_message(message, smtp_from, smtp_to_list)
                _run(while_sending)
            record.refused.update(refused or {})
            return refused or {}
    except smtplib.SMTPServerDisconnected:
        raise
    except Exception as exc:
        # Wrapped as send_email wraps it.
        text = mailer.env._(
            "Mail delivery failed via SMTP server '%(server)s'.\n%(exception_name)s: %(message)s",
            server=None,
            exception_name=exc.__class__.__name__,
            message=exc,
        )
        _logger.info(text)
        raise MailDeliveryException(mailer.env._("Mail Delivery Failed"), text) from exc


def _run(while_sending):
    if not while_sending:
        return
    try:
        while_sending()
    except Exception:  # noqa: BLE001 - the next mail is prepared again at its turn
        _logger.info("Preparing the next mail failed: it is prepared again at its turn", exc_info=True)
