# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import BaseCase

from ..delivery.filename import safe_filename
from ..delivery.header import one_line


class TestDeliveryFilename(BaseCase):
    """File names safe on every filesystem, without Odoo."""

    def test_table(self):
        table = [
            ("Quotation - SO002", "Quotation - SO002"),
            ("Invoice - INV/2026/0001", "Invoice - INV_2026_0001"),
            ('a\\b:c*d?e"f<g>h|i', "a_b_c_d_e_f_g_h_i"),
            ("Evil\r\nContent-Type: text/html", "Evil__Content-Type_ text_html"),
            ("Devis - SO002 ", "Devis - SO002"),
            ("..", "document"),
            ("", "document"),
            ("Facture - É/1", "Facture - É_1"),
        ]
        for name, expected in table:
            with self.subTest(name=name):
                self.assertEqual(safe_filename(name), expected)


class TestDeliveryHeader(BaseCase):
    def test_one_line(self):
        self.assertEqual(one_line("Hello\r\nBcc: x@example.com"), "Hello Bcc: x@example.com")
        self.assertEqual(one_line("a\tb"), "a\tb")
        self.assertEqual(one_line(False), False)
        self.assertEqual(one_line("a\u2028b\x85c\u2029d"), "a b c d")
