# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What happened on the SMTP connection, recorded on the connection itself.

An addon's override of ir.mail_server.send_email may catch the SMTP
exception and return as if the mail had left (OCA's mail_tracking does when
it tracks the mail). What the server answered is therefore read where no
addon sits in between: on the connection Odoo's connect() hands out, whose
send_message/sendmail are wrapped on the instance (observe). Each SMTP
transaction becomes an Exchange: accepted with the recipients refused on
the way, or the exception, and whether it came before the message's final
dot was sent or after it, waiting for the server's verdict.

The exchanges made during one mail's attempt are gathered by attempt(), a
context owned by this module (one contextvars variable): the attempt's
bookkeeping reads them there. Plain Python, no Odoo import."""

import contextlib
import contextvars
import functools

#: Failed before the last byte of the message was sent: the server cannot
#: have taken it.
BEFORE_END = "before_end"
#: Failed once the whole message was sent, before the server's verdict was
#: read: the server may have taken it.
AFTER_END = "after_end"
#: What smtplib's data() sends last: the message's final dot.
_END_OF_DATA = b"\r\n.\r\n"

_current_attempt = contextvars.ContextVar("mail_document_send_wire_attempt", default=None)


class Exchange:
    """One SMTP transaction, from MAIL FROM to the reply to the final dot."""

    def __init__(self):
        self.data_sent = False
        self.refused = {}
        self.exception = None

    @property
    def stage(self):
        return AFTER_END if self.data_sent else BEFORE_END


class Attempt:
    """The exchanges made while one mail's attempt was under way."""

    def __init__(self):
        self.exchanges = []

    def failure(self):
        """The first failed exchange, or None."""
        return next((exchange for exchange in self.exchanges if exchange.exception is not None), None)

    def refused(self):
        """{address: (code, reply)} the server refused while taking the mail."""
        refused = {}
        for exchange in self.exchanges:
            if exchange.exception is None:
                refused.update(exchange.refused)
        return refused


@contextlib.contextmanager
def attempt(seen=None):
    """Gather the exchanges of the connections observed while in it (into
    `seen`, an Attempt, or a new one)."""
    seen = Attempt() if seen is None else seen
    token = _current_attempt.set(seen)
    try:
        yield seen
    finally:
        _current_attempt.reset(token)


@contextlib.contextmanager
def exchange(connection):
    """One transaction on `connection`, recorded on it (`mds_exchange`
    while under way, `mds_last_exchange` after) and in the attempt under
    way. Nested calls (send_message calls sendmail) are one transaction."""
    current = getattr(connection, "mds_exchange", None)
    if isinstance(current, Exchange):
        yield current
        return
    record = Exchange()
    connection.mds_exchange = record
    seen = _current_attempt.get()
    if seen is not None:
        seen.exchanges.append(record)
    try:
        yield record
    except BaseException as exc:
        record.exception = exc
        raise
    finally:
        connection.mds_exchange = None
        connection.mds_last_exchange = record


def _recorded(connection, method):
    @functools.wraps(method)
    def send(*args, **kwargs):
        with exchange(connection) as record:
            refused = method(*args, **kwargs)
            if isinstance(refused, dict):
                record.refused.update(refused)
            return refused

    return send


def _watching_end(connection, method):
    @functools.wraps(method)
    def send(data):
        result = method(data)
        record = getattr(connection, "mds_exchange", None)
        if (
            isinstance(record, Exchange)
            and isinstance(data, bytes | bytearray)
            and data.endswith(_END_OF_DATA)
        ):
            record.data_sent = True
        return result

    return send


def observe(connection):
    """Record every transaction of `connection` (smtplib's SMTP object, or
    what stands in for it, such as the session of Odoo's test tools): its
    own send_message and sendmail wrapped on the instance, its send()
    watched for the message's end. Nothing else of it changes."""
    if connection is None or connection.__dict__.get("mds_observed"):
        return connection
    for name in ("send_message", "sendmail"):
        method = getattr(connection, name, None)
        if callable(method):
            setattr(connection, name, _recorded(connection, method))
    method = getattr(connection, "send", None)
    if callable(method):
        connection.send = _watching_end(connection, method)
    connection.mds_observed = True
    return connection


def note_failure(exception):
    """A failure before any SMTP transaction (no connection, no valid
    recipient for the envelope), recorded in the attempt under way: an addon
    above send_email that catches it does not hide it either."""
    seen = _current_attempt.get()
    if seen is not None:
        record = Exchange()
        record.exception = exception
        seen.exchanges.append(record)
