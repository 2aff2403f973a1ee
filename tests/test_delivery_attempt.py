# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
import hashlib

from odoo.tests import BaseCase

from ..delivery import attempt

NOW = datetime.datetime(2026, 1, 1, 12, 0)


class TestDeliveryAttempt(BaseCase):
    def test_only_temporary_failures_are_queued_again(self):
        self.assertEqual(
            attempt.after_failure("temporary", 1, NOW), ("outgoing", NOW + datetime.timedelta(minutes=5))
        )
        for failure_class in (
            "permanent",
            "authentication",
            "configuration",
            "recipient",
            "too_large",
            "unknown",
        ):
            self.assertEqual(attempt.after_failure(failure_class, 1, NOW), ("exception", None), failure_class)

    def test_temporary_failure_fails_for_good_at_max_attempts(self):
        self.assertEqual(attempt.after_failure("temporary", 5, NOW), ("exception", None))
        self.assertEqual(attempt.after_failure("temporary", 2, NOW, max_attempts=2), ("exception", None))
        self.assertEqual(attempt.after_failure("temporary", 4, NOW)[0], "outgoing")

    def test_attachment_line_hashes_the_bytes_sent(self):
        data = b"%PDF-1.4 hello"
        self.assertEqual(
            attempt.attachment_line("Quotation - S00001.pdf", data),
            "Quotation - S00001.pdf | 14 bytes | SHA-256 %s" % hashlib.sha256(data).hexdigest(),
        )
        self.assertIn("| 0 bytes |", attempt.attachment_line("empty", None))

    def test_session_reuse(self):
        self.assertTrue(attempt.session_usable(451, object()))
        self.assertTrue(attempt.session_usable(550, object()))
        self.assertFalse(attempt.session_usable(421, object()))
        self.assertFalse(attempt.session_usable(None, object()))
        self.assertFalse(attempt.session_usable(451, None))

    def test_interrupted_after_ten_minutes(self):
        self.assertEqual(attempt.interrupted_before(NOW), NOW - datetime.timedelta(minutes=10))

    def test_parameters(self):
        self.assertEqual(attempt.parse_max_attempts(None), 5)
        self.assertEqual(attempt.parse_max_attempts("3"), 3)
        self.assertEqual(attempt.parse_max_attempts("0"), 1)
        self.assertEqual(attempt.parse_max_attempts("many"), 5)
        self.assertEqual(attempt.parse_retention_days(False), 730)
        self.assertEqual(attempt.parse_retention_days("0"), 0)
        self.assertEqual(attempt.parse_retention_days("x"), 730)
