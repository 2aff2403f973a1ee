# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SMTP session a batch shares: kept or closed after a failed attempt."""

from ..delivery import attempt as attempt_rules


def after_failure(session, smtp_code):
    """The session the next mail may use after a failed attempt (None: it
    was closed). Odoo 18 hands out its wrapper of the smtplib connection,
    which does not show the socket: read on the connection itself."""
    if session is None:
        return None
    sock = getattr(getattr(session, "__obj__", session), "sock", None)
    if attempt_rules.session_usable(smtp_code, sock):
        return session
    close(session)
    return None


def close(session):
    try:
        session.quit()
    except Exception:  # noqa: BLE001 pylint: disable=broad-except
        session.close()
