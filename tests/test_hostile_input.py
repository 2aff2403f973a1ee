# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Send-side hostile input: what a partner name, an address or a subject
could smuggle onto the wire is refused before anything is queued."""

from odoo.tests import BaseCase

from ..delivery.header import has_line_break, hidden_addresses
from .test_send_checks import CheckCase

NAME = "Zoë 山田 🚀"
SUBJECT = "Devis été — 見積書 ✓"
BREAKS = ("\r", "\n", "\r\n\t", "\u2028", "\u2029", "\x85", "\x0b", "\x00")
# PostgreSQL stores no NUL character.
DB_BREAKS = BREAKS[:-1]


class TestHeaderHelpers(BaseCase):
    def test_has_line_break(self):
        for brk in BREAKS:
            self.assertTrue(has_line_break("Evil%sBcc: x@example.com" % brk), repr(brk))
        self.assertFalse(has_line_break(NAME))
        self.assertFalse(has_line_break(SUBJECT))
        self.assertFalse(has_line_break(None))
        self.assertTrue(has_line_break("=?utf-8?q?Eve=0D=0ABcc=3A_victim=40example=2Ecom?="))
        self.assertTrue(has_line_break("=?utf-8?b?RXZlCkJjYzogdkBleGFtcGxlLmNvbQ==?="))
        self.assertFalse(has_line_break("=?utf-8?q?Eve_Smith?="))

    def test_hidden_addresses(self):
        self.assertEqual(
            hidden_addresses("Eve x@evil.example.com", "eve@example.com"), ["x@evil.example.com"]
        )
        # A contact created from an address is named after it: not hidden.
        self.assertEqual(hidden_addresses("eve@example.com", "Eve@example.com"), [])
        self.assertEqual(hidden_addresses("Eve (at) example.com", "eve@example.com"), [])
        self.assertEqual(hidden_addresses("=?utf-8?q?x=40evil=2Ecom?=", "eve@example.com"), ["x@evil.com"])


class TestHostileInput(CheckCase):
    def test_bcc_in_a_customer_name_is_refused_before_the_wire(self):
        # Measured on stock 18 (../shared/platform/README.md): this name put
        # a separate "Bcc:" line on the wire.
        evil = self.env["res.partner"].create(
            {"name": "Evil\r\nBcc: x@example.com", "email": "evil@example.com"}
        )
        order = self.make_order(partner=evil)
        composer = self.order_composer(order).save()
        self.assert_refused(order, composer.action_send_mail, "holds a line break")
        self.assertEqual(self.smtp.attempts, [])

    def test_line_breaks_of_every_kind_are_all_listed(self):
        partners = self.env["res.partner"]
        for index, brk in enumerate(DB_BREAKS):
            partners |= self.env["res.partner"].create(
                {"name": "Name%d%sBcc: victim@example.com" % (index, brk), "email": "p%d@example.com" % index}
            )
        partners |= self.env["res.partner"].create(
            {"name": "Mallory", "email": "mallory@example.com\r\nBcc: victim@example.com"}
        )
        order = self.make_order()
        form = self.order_composer(order)
        for partner in partners:
            form.partner_ids.add(partner)
        form.subject = "Sub\u2028X-Injected: yes"
        text = self.assert_refused(order, form.save().action_send_mail, "The subject holds a line break")
        self.assertEqual(
            text.count("holds a line break, which could add hidden recipients"), len(DB_BREAKS) + 1, text
        )

    def test_encoded_word_hiding_a_line_break_is_refused(self):
        # Measured on stock 18: Python's email package decodes the encoded
        # word of the display name and writes a Bcc line on the wire.
        evil = self.env["res.partner"].create(
            {"name": "=?utf-8?q?Eve=0D=0ABcc=3A_victim=40example=2Ecom?=", "email": "eve@example.com"}
        )
        order = self.make_order(partner=evil)
        self.assert_refused(order, self.order_composer(order).save().action_send_mail, "holds a line break")
        self.assertEqual(self.smtp.attempts, [])

    def test_address_in_a_name_is_refused(self):
        # Odoo 18 scans the whole To header, display names included, for
        # envelope recipients: this contact's mail would also go to Mallory.
        partner = self.env["res.partner"].create(
            {"name": "Bob mallory@evil.example.com", "email": "bob@example.com"}
        )
        order = self.make_order(partner=partner)
        self.assert_refused(
            order,
            self.order_composer(order).save().action_send_mail,
            "holds another email address (mallory@evil.example.com)",
        )

    def test_invoice_wizard_refuses_injection(self):
        evil = self.env["res.partner"].create(
            {"name": "Evil\r\nBcc: x@example.com", "email": "evil@example.com"}
        )
        move = self.make_invoice(partner=evil)
        form = self.invoice_wizard(move)
        form.mail_subject = "Invoice\nBcc: x@example.com"
        self.assert_refused(
            move, form.save().action_send_and_print, "holds a line break", "The subject holds"
        )
        self.assertEqual(self.smtp.attempts, [])

    def test_what_goes_through_adds_no_header_and_no_recipient(self):
        # Accents, CJK, emoji, quotes, commas and a harmless RFC 2047
        # encoded word are not refused: they must arrive intact,
        # with one envelope recipient each and no extra header.
        names = [NAME, 'O\'Brien, "Jane"', "=?utf-8?q?Eve_Smith?="]
        partners = self.env["res.partner"]
        for index, name in enumerate(names):
            partners |= self.env["res.partner"].create({"name": name, "email": "p%d@example.com" % index})
        order = self.make_order(partner=partners[0])
        form = self.order_composer(order)
        for partner in partners[1:]:
            form.partner_ids.add(partner)
        form.subject = SUBJECT
        self.send(form.save())
        self.assertEqual(self.envelope_recipients(), ["p0@example.com", "p1@example.com", "p2@example.com"])
        for received in self.smtp.received:
            self.assertEqual(str(received.message["Subject"]), SUBJECT)
            headers = [line.split(":", 1)[0].lower() for line in received.header_lines()]
            self.assertNotIn("bcc", headers)
            self.assertNotIn("x-injected", headers)
            self.assertEqual(headers.count("to"), 1)
            for line in received.header_lines():
                self.assertTrue(line.isascii(), line)
        first = self.mail_to("p0@example.com")
        self.assertEqual(first.message["To"].addresses[0].display_name, NAME)
        self.assertIn(NAME, first.body_html())

    def test_idn_domain_is_refused_with_its_ascii_form(self):
        # Stock 18 drops this recipient silently ("Ignoring invalid
        # recipients"): the mail goes to nobody and no error is shown.
        partner = self.env["res.partner"].create({"name": "Ünïcode Domain", "email": "user@exämple.fr"})
        order = self.make_order(partner=partner)
        self.assert_refused(
            order, self.order_composer(order).save().action_send_mail, "write it as user@xn--exmple-cua.fr"
        )
        partner.email = "user@xn--exmple-cua.fr"
        self.send(self.order_composer(order).save())
        received = self.mail_to("user@xn--exmple-cua.fr")
        self.assertEqual(received.message["To"].addresses[0].addr_spec, "user@xn--exmple-cua.fr")
        self.assertEqual(order.state, "sent")

    def test_problems_past_twenty_are_counted_not_listed(self):
        partners = self.env["res.partner"].create([{"name": "Nomail %02d" % index} for index in range(30)])
        order = self.make_order()
        form = self.order_composer(order)
        for partner in partners:
            form.partner_ids.add(partner)
        text = self.assert_refused(order, form.save().action_send_mail, "- and 10 more problems.")
        self.assertEqual(text.count("has no email address"), 20)
