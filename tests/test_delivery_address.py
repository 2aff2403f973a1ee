# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import BaseCase

from ..delivery.address import (
    MALFORMED,
    NON_ASCII_LOCAL,
    address_problem,
    ascii_address,
    is_valid_address,
)

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
    "a@example.com, b@example.com",  # two addresses in one field
    "a@example.com;b@example.com",
    "customer@example.com.",
    "customer@exämple..fr",
    "jöhn@example.fr",  # non-ASCII local part: see test_problems
    "customer@" + "a" * 64 + ".com",  # label over 63 characters
    "a" * 65 + "@example.com",
    None,
]


class TestDeliveryAddress(BaseCase):
    """The plain address check used before sending, without Odoo."""

    def test_valid_addresses(self):
        for address in VALID:
            with self.subTest(address=address):
                self.assertTrue(is_valid_address(address))

    def test_invalid_addresses(self):
        for address in INVALID:
            with self.subTest(address=address):
                self.assertFalse(is_valid_address(address))

    def test_problems(self):
        table = [
            ("user@exämple.fr", None),
            ("jöhn@example.fr", NON_ASCII_LOCAL),
            ("山田@例え.jp", NON_ASCII_LOCAL),
            ("jöhn doe@example.fr", MALFORMED),
            ("bad.example.com", MALFORMED),
        ]
        for address, expected in table:
            with self.subTest(address=address):
                self.assertEqual(address_problem(address), expected)

    def test_ascii_address(self):
        table = [
            ("user@exämple.fr", "user@xn--exmple-cua.fr"),
            ("contact@bücher.de", "contact@xn--bcher-kva.de"),
            ("user@例え.jp", "user@xn--r8jz45g.jp"),
            ("plain@example.com", "plain@example.com"),
            ("not an address", "not an address"),
        ]
        for address, expected in table:
            with self.subTest(address=address):
                self.assertEqual(ascii_address(address), expected)
