# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime

from odoo.tests import BaseCase

from ..delivery.retry import next_attempt

NOW = datetime.datetime(2026, 1, 1, 12, 0)
MIN = datetime.timedelta(minutes=1)


class TestRetrySchedule(BaseCase):
    def test_default_backoff(self):
        waits = [next_attempt(count, NOW, max_attempts=6) - NOW for count in range(1, 6)]
        self.assertEqual(waits, [5 * MIN, 15 * MIN, 60 * MIN, 240 * MIN, 720 * MIN])

    def test_stops_at_max_attempts(self):
        self.assertEqual(next_attempt(4, NOW) - NOW, 240 * MIN)
        self.assertIsNone(next_attempt(5, NOW))
        self.assertIsNone(next_attempt(2, NOW, max_attempts=2))

    def test_last_delay_repeats(self):
        self.assertEqual(next_attempt(9, NOW, max_attempts=20) - NOW, 720 * MIN)
