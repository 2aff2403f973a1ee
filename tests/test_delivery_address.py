# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import unittest

from ..delivery.address import is_valid_address

VALID = [
    "customer@example.com",
    "first.last+tag@sub.example.co.uk",
    "o'brien@example.ie",
    "contact@bücher.de",  # IDN domain
    "x@xn--bcher-kva.de",
]
INVALID = [
    "",
    "customer.example.com",  # missing @
    "@example.com",
    "customer@",
    "customer@localhost",  # no dot in the domain
    "customer@example.com\r\nBcc: victim@example.com",
    "customer@example.com\n",
    "cus\rtomer@example.com",
    "a b@example.com",
    "Customer <customer@example.com>",
    "customer@@example.com",
    "customer@-example.com",
    "customer..x@example.com",
    "customer@exa_mple.com",
    None,
]


class TestDeliveryAddress(unittest.TestCase):
    """The plain address check used before sending, without Odoo."""

    def test_valid_addresses(self):
        for address in VALID:
            with self.subTest(address=address):
                self.assertTrue(is_valid_address(address))

    def test_invalid_addresses(self):
        for address in INVALID:
            with self.subTest(address=address):
                self.assertFalse(is_valid_address(address))
