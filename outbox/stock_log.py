# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Stock's failure log of a mail the addon records itself, left out while
stock's _send runs for it. Nothing is installed at import: the filter is on
stock's logger only while some thread is inside stock_failure_log_muted()."""

import contextlib
import logging
import threading

# Stock _send logs every failure at ERROR with a traceback, a 451 that will be
# retried in 5 minutes included: an administrator reads it as a bug. While
# this addon owns the outcome of the mail, it logs it once itself: a WARNING
# while a retry is scheduled, an ERROR when the mail fails for good.
_STOCK_FAILURE_MSG = "failed sending mail (id: %s) due to %s"
_STOCK_LOGGER = "odoo.addons.mail.models.mail_mail"
#: Ids of the mails whose stock failure log is muted, per thread at a time.
_muted_ids = []
_lock = threading.Lock()


class _StockFailureLogFilter(logging.Filter):
    def filter(self, record):
        return not (record.msg == _STOCK_FAILURE_MSG and record.args and record.args[0] in _muted_ids)


_filter = _StockFailureLogFilter()


@contextlib.contextmanager
def stock_failure_log_muted(mail_id):
    """Stock's failure log of mail `mail_id` left out while in here."""
    logger = logging.getLogger(_STOCK_LOGGER)
    with _lock:
        if not _muted_ids:
            logger.addFilter(_filter)
        _muted_ids.append(mail_id)
    try:
        yield
    finally:
        with _lock:
            _muted_ids.remove(mail_id)
            if not _muted_ids:
                logger.removeFilter(_filter)
