# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""delivery/wire.py on a real smtplib connection to a real SMTP server
(aiosmtpd): what the server answered is recorded on the connection, with the
stage of a failure, whatever the caller above does with the exception."""

import smtplib

from odoo.tests import BaseCase

from ..delivery import smtp_failure, wire
from .smtp_server import ACCEPT_THEN_DROP, ACCEPT_THEN_STALL, DROP, ScriptedSmtpServer
from .test_smtp_send import make_message


class TestDeliveryWire(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ScriptedSmtpServer(stall_seconds=2).start()
        cls.addClassCleanup(cls.server.stop)

    def setUp(self):
        super().setUp()
        self.server.reset()
        self.connection = wire.observe(smtplib.SMTP(self.server.host, self.server.port, timeout=0.5))
        self.addCleanup(self.connection.close)

    def swallowed(self, *recipients):
        """send_message called as an addon that catches every exception
        would call it; returns what the connection recorded."""
        with wire.attempt() as seen:
            try:
                self.connection.send_message(make_message(), "sales@example.com", list(recipients))
            except Exception as exc:  # noqa: BLE001 - what the addon above does
                self.swallowed_exception = exc
        return seen

    def test_accepted_with_a_refused_recipient(self):
        self.server.refuse("nobody@example.com")
        seen = self.swallowed("customer@example.com", "nobody@example.com")
        self.assertIsNone(seen.failure())
        self.assertEqual(list(seen.refused()), ["nobody@example.com"])
        self.assertEqual(seen.refused()["nobody@example.com"][0], 550)
        self.assertEqual(len(self.server.received), 1)

    def test_refusal_of_the_message_is_recorded_though_swallowed(self):
        self.server.script("550 5.1.1 User unknown")
        failed = self.swallowed("customer@example.com").failure()
        self.assertIsInstance(failed.exception, smtplib.SMTPDataError)
        # The server's verdict came: the outcome is known.
        self.assertEqual(failed.stage, wire.AFTER_END)
        self.assertEqual(smtp_failure.classify(failed.exception)[:2], ("permanent", 550))
        self.assertFalse(smtp_failure.verdict_lost(failed.exception, True))

    def test_dropped_before_the_message_is_sent(self):
        self.server.refuse("customer@example.com", DROP)
        failed = self.swallowed("customer@example.com").failure()
        self.assertEqual(failed.stage, wire.BEFORE_END)
        self.assertFalse(smtp_failure.verdict_lost(failed.exception, False))
        self.assertFalse(self.server.received)

    def test_dropped_after_the_whole_message(self):
        self.server.script(ACCEPT_THEN_DROP)
        failed = self.swallowed("customer@example.com").failure()
        self.assertIsInstance(failed.exception, smtplib.SMTPServerDisconnected)
        self.assertEqual(failed.stage, wire.AFTER_END)
        self.assertTrue(smtp_failure.verdict_lost(failed.exception, True))
        self.assertEqual(len(self.server.received), 1)

    def test_timeout_after_the_whole_message(self):
        self.server.script(ACCEPT_THEN_STALL)
        failed = self.swallowed("customer@example.com").failure()
        self.assertEqual(failed.stage, wire.AFTER_END)
        self.assertTrue(smtp_failure.verdict_lost(failed.exception, True))
        self.assertEqual(len(self.server.wait_for(1, timeout=5)), 1)

    def test_exchanges_outside_an_attempt_are_kept_on_the_connection_only(self):
        self.connection.send_message(make_message(), "sales@example.com", ["customer@example.com"])
        self.assertIsNone(self.connection.mds_last_exchange.exception)
        with wire.attempt() as seen:
            pass
        self.assertEqual(seen.exchanges, [])

    def test_observed_once(self):
        send_message = self.connection.send_message
        self.assertIs(wire.observe(self.connection), self.connection)
        self.assertIs(self.connection.send_message, send_message)
