# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A real SMTP server for tests, benchmarks and the demo.

It runs aiosmtpd in a thread on the loopback interface, keeps every message
it accepts (raw bytes, as they crossed the wire) and can be scripted to
answer what a real server answers on a bad day: a 4xx or 5xx reply to DATA
or to a recipient, a dropped connection, a stall, authentication failures.

Plain Python, no Odoo import: the benchmark and stress scripts use it too.
"""

import asyncio
import email
import email.policy
import logging
import socket
import threading
import time
from collections import deque

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

# aiosmtpd logs every connection at INFO: noise in a test log.
logging.getLogger("mail.log").setLevel(logging.WARNING)

ACCEPT = "250 2.0.0 OK: queued"
#: Script entries with a meaning of their own (any other entry is a reply line).
DROP = "DROP"  # close the connection without answering
STALL = "STALL"  # answer nothing for `stall_seconds`, then accept
#: Keep the message, then answer nothing for `stall_seconds`, then "250": a
#: sender that dies meanwhile has had its mail accepted without knowing it.
ACCEPT_THEN_STALL = "ACCEPT_THEN_STALL"
#: Keep the message, then close the connection without answering: the
#: sender never learns that its mail was accepted.
ACCEPT_THEN_DROP = "ACCEPT_THEN_DROP"


def free_port(host="127.0.0.1"):
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class ReceivedMail:
    """One message as the server accepted it."""

    def __init__(self, mail_from, rcpt_tos, data):
        self.mail_from = mail_from
        self.rcpt_tos = list(rcpt_tos)
        self.data = data
        self.message = email.message_from_bytes(data, policy=email.policy.default)

    @property
    def message_id(self):
        return self.message["Message-Id"]

    def attachments(self):
        """[(file name, bytes, content type)] of the message's attachments."""
        return [
            (part.get_filename(), part.get_payload(decode=True), part.get_content_type())
            for part in self.message.iter_attachments()
        ]

    def body_html(self):
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def header_lines(self):
        """The raw header block, one entry per header as it was on the wire."""
        head = self.data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        lines = []
        for raw in head.replace(b"\r\n", b"\n").split(b"\n"):
            if raw[:1] in (b" ", b"\t") and lines:
                lines[-1] += b"\n" + raw
            else:
                lines.append(raw)
        return [line.decode("ascii", "replace") for line in lines]


def _message_id(data):
    headers = email.message_from_bytes(data.split(b"\r\n\r\n", 1)[0], policy=email.policy.default)
    return headers["Message-Id"]


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        reply = self.server.recipient_replies.get(address.lower())
        if reply == DROP:
            # Before the message: the sender knows it was not taken.
            smtp.transport.close()
            return "421 4.4.2 connection dropped"
        if reply == STALL:
            await asyncio.sleep(self.server.stall_seconds)
            reply = None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, smtp, session, envelope):
        server = self.server
        with server.lock:
            if server.data_script:
                action = server.data_script.popleft()
            else:
                action = server.policy() if server.policy else ACCEPT
            server.attempts.append((envelope.mail_from, list(envelope.rcpt_tos), action))
            server.data_log.append((_message_id(envelope.original_content), action))
        if action == DROP:
            smtp.transport.close()
            return "421 4.4.2 connection dropped"
        if action in (ACCEPT_THEN_STALL, ACCEPT_THEN_DROP):
            with server.lock:
                server.received.append(
                    ReceivedMail(envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
                )
            if action == ACCEPT_THEN_DROP:
                smtp.transport.close()
                return "421 4.4.2 connection dropped"
            await asyncio.sleep(server.stall_seconds)
            return ACCEPT
        if action == STALL:
            await asyncio.sleep(server.stall_seconds)
            action = ACCEPT
        if action.startswith("250") and server.pace_seconds:
            await server.paced()
        if action.startswith("250"):
            with server.lock:
                server.received.append(
                    ReceivedMail(envelope.mail_from, envelope.rcpt_tos, envelope.original_content)
                )
        return action


class ScriptedSmtpServer:
    """An SMTP server on 127.0.0.1 that accepts mail unless told otherwise.

    `script(*replies)` queues the answers to the next DATA commands: an SMTP
    reply line ("451 4.3.0 Try again later"), DROP, STALL, ACCEPT_THEN_STALL
    or ACCEPT_THEN_DROP. Once the queue is empty, messages are accepted.
    `refuse(address, reply)` answers RCPT TO for that address with `reply`
    (DROP or STALL there: before the message is sent). `policy`, a callable returning
    such an entry, answers when the script is empty (a random mix for the
    stress run). `data_log` keeps (Message-Id, answer) for every DATA.
    `pace_seconds` (default 0, off): each accepted message takes that long,
    `pace_slots` at a time across all connections (the runner bench).
    """

    def __init__(self, host="127.0.0.1", port=None, auth=None, stall_seconds=5, pace_seconds=0, pace_slots=1):
        self.host = host
        self.port = port or free_port(host)
        self.auth = auth  # (login, password) the server requires, or None
        self.stall_seconds = stall_seconds
        self.lock = threading.Lock()
        self.received = []
        self.attempts = []
        self.data_script = deque()
        self.policy = None
        self.data_log = []
        self.recipient_replies = {}
        # A relay answering at a fixed pace: each accepted message takes
        # `pace_seconds`, `pace_slots` messages at a time whatever the
        # number of connections (so at most pace_slots / pace_seconds
        # messages a second: the limit senders run into).
        self.pace_seconds = pace_seconds
        self.pace_slots = pace_slots
        self._pace = None
        self._controller = None

    # lifecycle
    def start(self):
        kwargs = {}
        if self.auth:
            kwargs.update(auth_required=True, auth_require_tls=False, authenticator=self._authenticate)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    async def paced(self):
        if self._pace is None:  # created in the server's event loop
            self._pace = asyncio.Semaphore(self.pace_slots)
        async with self._pace:
            await asyncio.sleep(self.pace_seconds)

    # scripting
    def script(self, *replies):
        with self.lock:
            self.data_script.extend(replies)

    def refuse(self, address, reply="550 5.1.1 <%s>: Recipient address rejected: User unknown"):
        self.recipient_replies[address.lower()] = reply.replace("%s", address)

    def reset(self):
        with self.lock:
            self.received.clear()
            self.attempts.clear()
            self.data_log.clear()
            self.data_script.clear()
            self.recipient_replies.clear()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        login, password = self.auth
        ok = auth_data.login == login.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd's default (handled=True) means "the
        # authenticator already replied", so a refusal would get no 535 and
        # the client would hang until its timeout.
        return AuthResult(success=ok, handled=False)

    # reading
    def wait_for(self, count, timeout=10.0):
        """Wait until `count` messages were accepted; return them."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.received)
