# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A failed attempt told to a person, in the language of the environment
given: what happened, what to do, and stock's failure type for the
envelope and the resend wizard."""

from ..delivery import attempt as attempt_rules
from ..delivery import smtp_failure

#: Stock failure types a mail.notification accepts (mail_notification.py:39).
NOTIFICATION_FAILURE_TYPES = (
    "unknown",
    "mail_email_invalid",
    "mail_email_missing",
    "mail_from_invalid",
    "mail_from_missing",
    "mail_smtp",
)


def _sentences(env):
    return {
        smtp_failure.TEMPORARY: env._(
            "The mail server could not take the email for now. It will be retried automatically; "
            "nothing to do unless retries run out."
        ),
        smtp_failure.PERMANENT: env._(
            "The mail server refused the email for good. Check the recipient's address and the "
            "sender, then retry."
        ),
        smtp_failure.AUTHENTICATION: env._(
            "The mail server refused our login. Ask an administrator to check the user name and "
            "password of the outgoing mail server, then retry."
        ),
        smtp_failure.CONFIGURATION: env._(
            "The outgoing mail server is not set up correctly (server, port, encryption or "
            "certificate). Ask an administrator to fix it, then retry."
        ),
        smtp_failure.RECIPIENT: env._(
            "The email has no valid recipient address. Correct the recipient's email address, then retry."
        ),
        smtp_failure.TOO_LARGE: env._(
            "The email is too large for the mail server. Send fewer or smaller attachments."
        ),
        smtp_failure.UNKNOWN: env._(
            "The email could not be sent for an unknown reason. Ask an administrator."
        ),
    }


def failure_sentence(env, failure_class, reply):
    """What happened and what to do, with the server's reply."""
    sentences = _sentences(env)
    sentence = sentences.get(failure_class, sentences[smtp_failure.UNKNOWN])
    if reply:
        sentence = "%s\n%s" % (sentence, env._("Server reply: %(reply)s", reply=reply))
    return sentence


def failure_reason(env, failure_class, reply, state, attempt):
    """The failure reason of an attempt: its sentence, or, for a temporary
    failure whose retries ran out, that no retry is left (not "it will be
    retried")."""
    if state != attempt_rules.FAILED or failure_class != smtp_failure.TEMPORARY:
        return failure_sentence(env, failure_class, reply)
    reason = env._(
        "The mail server could not take the email, and no automatic retry is left after %(count)s "
        "attempts: retry by hand once the server takes emails again.",
        count=attempt,
    )
    if reply:
        reason = "%s\n%s" % (reason, env._("Server reply: %(reply)s", reply=reply))
    return reason


def interrupted(env):
    return env._(
        "Sending was interrupted (the server stopped) after the email was handed to the mail "
        "server: it may or may not have been delivered. Check with the recipient before retrying."
    )


def verdict_lost(env):
    return env._(
        "The connection was lost after the whole email was handed to the mail server, before the "
        "server confirmed it: the server may have accepted it. Check with the recipient before "
        "retrying, or it may arrive twice."
    )


#: The reasons of an attempt set aside for review, by reason code.
SET_ASIDE = {"interrupted": interrupted, "verdict_lost": verdict_lost}


def journal_reason(env, reason_code, failure_class, reply, attempt):
    """A journal row's reason, worded again from how it was made
    (mail.delivery.log.reason_code); None: keep the stored text (a bounce,
    a row older than the code)."""
    if reason_code in SET_ASIDE:
        return SET_ASIDE[reason_code](env)
    if reason_code in ("attempt", "gave_up") and failure_class:
        state = attempt_rules.FAILED if reason_code == "gave_up" else attempt_rules.QUEUED
        return failure_reason(env, failure_class, reply, state, attempt)
    return None


def stock_failure_type(failure_class, code, found_by_stock=None):
    """Stock's failure_type, kept right for mail.notification and the
    resend wizard: a connection problem is mail_smtp, a refused address
    mail_email_invalid; what stock's checks already found stays."""
    if found_by_stock and found_by_stock != "unknown":
        return found_by_stock
    if failure_class == smtp_failure.RECIPIENT:
        return "mail_email_invalid"
    if failure_class in (smtp_failure.AUTHENTICATION, smtp_failure.CONFIGURATION) or (
        code is None and failure_class == smtp_failure.TEMPORARY
    ):
        return "mail_smtp"
    return "unknown"


def notification_failure_type(failure_type):
    return failure_type if failure_type in NOTIFICATION_FAILURE_TYPES else "unknown"
