# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo.tests import BaseCase

from ..delivery.template_text import generalize

NAME = "${object.name}"
PARTNER = "${object.partner_id.name}"


class TestGeneralize(BaseCase):
    """A message saved as a template forgets its document, without Odoo."""

    def test_table(self):
        pairs = [("SO002", NAME), ("Agrolait", PARTNER)]
        table = [
            ("Quotation SO002 for Agrolait", "Quotation %s for %s" % (NAME, PARTNER)),
            ("SO0021 and XSO002 stay", "SO0021 and XSO002 stay"),
            ("INV/SO002 stays", "INV/SO002 stays"),
            ("", ""),
            (False, False),
        ]
        for text, expected in table:
            self.assertEqual(generalize(text, pairs), expected, text)

    def test_longer_value_wins(self):
        pairs = [("Agro", PARTNER), ("Agro Fleet", "${object.company_id.name}")]
        self.assertEqual(generalize("Agro Fleet", pairs), "${object.company_id.name}")

    def test_html_escaped_value(self):
        pairs = [("Smith & Sons", PARTNER)]
        self.assertEqual(
            generalize("<p>Dear Smith &amp; Sons,</p>", pairs, is_html=True), "<p>Dear %s,</p>" % PARTNER
        )
        self.assertEqual(generalize("Dear Smith &amp; Sons", pairs), "Dear Smith &amp; Sons")

    def test_empty_values_are_ignored(self):
        self.assertEqual(generalize("a b", [("", NAME), (False, NAME), ("  ", NAME)]), "a b")

    def test_placeholders_are_not_matched_again(self):
        pairs = [("SO002", NAME), ("object", PARTNER)]
        self.assertEqual(generalize("SO002 object", pairs), "%s %s" % (NAME, PARTNER))

    def test_no_break_space_as_an_entity(self):
        pairs = [("1\xa0000,00\xa0€", "${amount}")]
        self.assertEqual(generalize("<b>1&nbsp;000,00&nbsp;€</b>", pairs, is_html=True), "<b>${amount}</b>")
        self.assertEqual(generalize("<b>1\xa0000,00\xa0€</b>", pairs, is_html=True), "<b>${amount}</b>")
