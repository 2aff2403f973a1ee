# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Send-side hostile input: what a partner name, an address or a subject
could smuggle onto the wire is refused before anything is queued."""

import contextlib
import logging
import os
import re
from unittest.mock import patch

from lxml import etree, html

from odoo import sql_db
from odoo.tests import BaseCase

from ..delivery.header import attachment_name, has_line_break, hidden_addresses
from ..models import mail_document_send_mixin
from .test_send_checks import CheckCase

_logger = logging.getLogger(__name__)

NAME = "Zoë 山田 🚀"
# A name that would run, were it pasted into the HTML unescaped.
SCRIPT_NAME = "<script>alert(1)</script><img src=x onerror=alert(2)><b>Mallory</b>"
# What a user may paste into the body (from a web page, an old email).
TYPED_BODY = (
    "<p>Typed by the user</p><script>alert(3)</script>"
    '<img src="x" onerror="alert(4)"/><a href="javascript:alert(5)">click</a>'
    '<iframe src="https://evil.example.com"></iframe>'
)
#: Per-recipient checks of the composer's send, counted in the 10,000 test.
RECIPIENT_CHECKS = ("address_problem", "has_line_break", "hidden_addresses")
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

    def test_attachment_name(self):
        self.assertEqual(attachment_name("a\r\nX-Injected: yes.txt"), "a X-Injected: yes.txt")
        self.assertEqual(attachment_name("b\u2028X: y\r.txt"), "b X: y .txt")
        self.assertEqual(attachment_name("Reçu 東京 🍣.pdf"), "Reçu 東京 🍣.pdf")
        self.assertEqual(attachment_name("\r\n"), "attachment")
        self.assertFalse(attachment_name(False))


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

    # ------------------------------------------------------------------
    # Volume: counted work, never timed
    # ------------------------------------------------------------------

    def make_partners(self, count, prefix):
        """`count` partners, every hundredth without an address, inserted in
        one statement: through the ORM 10,000 would take minutes, and they
        are the input here, not what is tested."""
        self.env.cr.execute(
            """INSERT INTO res_partner (name, complete_name, email, active, type, lang, autopost_bills)
               SELECT %(prefix)s || ' ' || n, %(prefix)s || ' ' || n,
                      CASE WHEN mod(n, 100) = 0 THEN NULL
                           ELSE 'r' || n || '@' || %(prefix)s || '.example.com' END,
                      true, 'contact', 'en_US', 'ask'
               FROM generate_series(1, %(count)s) AS n RETURNING id""",
            {"prefix": prefix, "count": count},
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [ids])
        return self.env["res.partner"].browse(ids)

    @contextlib.contextmanager
    def send_work(self):
        """Count, inside the block, the SQL queries, the per-recipient
        checks and the partner records iterated over: measures of the work
        that do not depend on the machine. The real functions run."""
        work = {"queries": 0, "recipient checks": 0, "partners iterated": 0}
        real_execute = sql_db.Cursor.execute

        def counting_execute(cursor, *args, **kwargs):
            work["queries"] += 1
            return real_execute(cursor, *args, **kwargs)

        def counting(function):
            def counted(*args, **kwargs):
                work["recipient checks"] += 1
                return function(*args, **kwargs)

            return counted

        Partner = type(self.env["res.partner"])
        real_iter = Partner.__iter__

        def counting_iter(records):
            for record in real_iter(records):
                work["partners iterated"] += 1
                yield record

        with contextlib.ExitStack() as stack:
            stack.enter_context(patch.object(sql_db.Cursor, "execute", counting_execute))
            stack.enter_context(patch.object(Partner, "__iter__", counting_iter))
            for name in RECIPIENT_CHECKS:
                function = getattr(mail_document_send_mixin, name)
                stack.enter_context(patch.object(mail_document_send_mixin, name, counting(function)))
            yield work

    def refuse_many(self, count):
        """Send a quotation to `count` recipients; (error text, work)."""
        partners = self.make_partners(count, "bulk%d" % count)
        order = self.make_order()
        composer = self.order_composer(order).save()
        composer.partner_ids = partners
        self.env.invalidate_all()
        work = {}

        def send():
            with self.send_work() as counted:
                try:
                    composer.action_send_mail()
                finally:
                    work.update(counted)

        text = self.assert_refused(
            order,
            send,
            "There are %d recipients, more than the 100 a document can be sent to at once." % count,
            "mail_document_send.max_recipients",
        )
        self.assertEqual(order.state, "draft")
        return text, work

    def test_ten_thousand_recipients_refused_with_linear_work(self):
        # A document to 10,000 people is a mailing sent by mistake (one SMTP
        # message each, PDF included): one error saying what to do, nothing
        # queued, and work that grows with the recipients, not faster.
        small_text, small = self.refuse_many(1000)
        text, large = self.refuse_many(10000)
        _logger.info("work to refuse 1,000 recipients: %s; 10,000: %s", small, large)
        # The limit first, then the first problems; past twenty, a count.
        lines = text.splitlines()
        self.assertIn("There are 10000 recipients", lines[1])
        self.assertEqual(len(lines), 1 + 20 + 1, text)
        self.assertEqual(text.count("has no email address."), 19)
        self.assertEqual(lines[-1], "- and 81 more problems.")
        self.assertEqual(small_text.count("has no email address."), 10)
        self.assertNotIn("more problems", small_text)
        for measure in large:
            self.assertLessEqual(large[measure], 10 * small[measure] + 50, (measure, small, large))
        # Each recipient checked, none twice over; their rows read by the
        # thousand, not one query each.
        self.assertGreaterEqual(large["recipient checks"], 10000)
        self.assertLessEqual(large["recipient checks"], 4 * 10000, large)
        self.assertLessEqual(large["queries"], 10000 // 100, large)

    # ------------------------------------------------------------------
    # A 30 MB file
    # ------------------------------------------------------------------

    @contextlib.contextmanager
    def file_reads(self):
        """The files of ir.attachment read from the filestore in the block."""
        Attachment = type(self.env["ir.attachment"])
        real_read = Attachment._file_read
        read = []

        def counting_read(attachment, fname):
            read.append(fname)
            return real_read(attachment, fname)

        with patch.object(Attachment, "_file_read", counting_read):
            yield read

    def scan(self, res_model):
        return self.env["ir.attachment"].create(
            {"name": "scan.bin", "raw": os.urandom(30 * 1024 * 1024), "res_model": res_model, "res_id": 0}
        )

    def refuse_scan(self, record, send, scan):
        """`send()` is refused for the scan alone, in one line naming it and
        the limit in MB, without reading it."""

        def send_reading():
            with self.file_reads() as read:
                try:
                    send()
                finally:
                    self.assertNotIn(scan.store_fname, read)

        text = self.assert_refused(
            record,
            send_reading,
            "The attachments weigh 40.",
            "over the limit of 10.0 MB; the largest is scan.bin (30.0 MB): remove some",
        )
        self.assertEqual(text.count("\n- "), 1, text)
        self.assertEqual(self.smtp.attempts, [])

    def test_thirty_megabytes_in_the_composer_refused_before_anything(self):
        order = self.make_order()
        composer = self.order_composer(order).save()
        scan = self.scan("mail.compose.message")
        composer.attachment_ids |= scan
        self.refuse_scan(order, composer.action_send_mail, scan)
        self.assertEqual(order.state, "draft")

    def test_thirty_megabytes_in_the_invoice_wizard_refused_before_anything(self):
        move = self.make_invoice()
        wizard = self.invoice_wizard(move).save()
        scan = self.scan("account.move.send.wizard")
        wizard.mail_attachments_widget = (wizard.mail_attachments_widget or []) + [
            {
                "id": scan.id,
                "name": scan.name,
                "mimetype": scan.mimetype,
                "placeholder": False,
                "manual": True,
            }
        ]
        self.refuse_scan(move, wizard.action_send_and_print, scan)
        # Not even the invoice PDF was generated.
        self.assertFalse(move.invoice_pdf_report_id)
        self.assertFalse(move.is_move_sent)

    # ------------------------------------------------------------------
    # HTML: what reaches the server
    # ------------------------------------------------------------------

    def html_parts(self, received):
        parts = [
            part.get_content() for part in received.message.walk() if part.get_content_type() == "text/html"
        ]
        self.assertTrue(parts, received.data[:2000])
        return parts

    def assert_nothing_runs(self, received):
        """No HTML part of the received message holds anything a mail
        client or a browser would run; the user's own text is kept."""
        for part in self.html_parts(received):
            tree = html.document_fromstring(part)
            self.assertFalse(tree.xpath("//script|//iframe|//object|//embed|//frame"), part)
            for element in tree.iter(etree.Element):
                for attribute, value in element.attrib.items():
                    self.assertFalse(attribute.lower().startswith("on"), (attribute, value))
                    self.assertNotIn("javascript:", re.sub(r"\s", "", value).lower(), (attribute, value))
            self.assertNotIn("<script", part.lower())
            self.assertIn("Typed by the user", tree.text_content())

    def assert_name_is_text(self, received):
        """The customer's name is in the HTML as the text it is, escaped."""
        (part,) = self.html_parts(received)
        self.assertIn(SCRIPT_NAME, html.document_fromstring(part).text_content())
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", part)

    def test_script_in_the_body_and_a_customer_name_from_the_form(self):
        evil = self.env["res.partner"].create({"name": SCRIPT_NAME, "email": "mallory@example.com"})
        order = self.make_order(partner=evil)
        form = self.order_composer(order)
        form.body = TYPED_BODY + str(form.body)
        self.send(form.save())
        received = self.assert_one_mail_to("mallory@example.com")
        self.assertEqual(
            [address.addr_spec for address in received.message["To"].addresses], ["mallory@example.com"]
        )
        self.assert_nothing_runs(received)
        self.assert_name_is_text(received)

    def test_script_in_the_body_and_a_customer_name_from_the_list(self):
        evil = self.env["res.partner"].create({"name": SCRIPT_NAME, "email": "mallory@example.com"})
        orders = self.make_order() | self.make_order(partner=evil)
        form = self.list_composer(orders)
        self.assertEqual(form.composition_mode, "mass_mail")
        form.template_id = self.env.ref("mail_document_send.mail_template_sale_order")
        form.body = TYPED_BODY + str(form.body)
        self.send(form.save())
        self.assertEqual(self.envelope_recipients(), ["alpha@example.com", "mallory@example.com"])
        for received in self.smtp.received:
            self.assert_nothing_runs(received)
        self.assert_name_is_text(self.mail_to("mallory@example.com"))
        self.assertNotIn("Mallory", self.mail_to("alpha@example.com").body_html())

    # ------------------------------------------------------------------
    # Line breaks in a file name
    # ------------------------------------------------------------------

    def test_line_breaks_in_a_file_name_add_no_header(self):
        # On Odoo 18 (Python 3.12's email package), a CR or LF in a file
        # name makes build_email raise: the mail failed in the queue, after
        # the user was told it was sent. A U+2028 went out in the name.
        names = {
            "a\r\nX-Injected: yes.txt": "a X-Injected: yes.txt",
            "b\u2028X-Injected: yes\r.txt": "b X-Injected: yes .txt",
            "c\n\nX-Injected: body.txt": "c X-Injected: body.txt",
        }
        order = self.make_order()
        composer = self.order_composer(order).save()
        expected = {"Quotation - %s.pdf" % order.name: None}
        for index, name in enumerate(names):
            data = b"file %d" % index
            composer.attachment_ids |= self.env["ir.attachment"].create(
                {"name": name, "raw": data, "res_model": "mail.compose.message", "res_id": 0}
            )
            expected[names[name]] = data
        self.send(composer)
        received = self.assert_one_mail_to("alpha@example.com")
        files = {name: data for name, data, _ctype in received.attachments()}
        self.assertEqual(sorted(files), sorted(expected))
        for name, data in expected.items():
            if data is not None:
                self.assertEqual(files[name], data)
        # No header but a MIME part's own, in any part; nothing new on the wire.
        part_headers = {"content-type", "content-transfer-encoding", "content-disposition", "mime-version"}
        for part in received.message.iter_attachments():
            self.assertLessEqual({key.lower() for key in part.keys()}, part_headers, part.keys())
            self.assertIn(part["Content-Disposition"].params["filename"], expected)
        headers = [line.split(":", 1)[0].lower() for line in received.header_lines()]
        self.assertNotIn("x-injected", headers)
        self.assertEqual(headers.count("content-type"), 1)
        self.assertIsNone(re.search(rb"(?mi)^x-injected", received.data))
        for line in received.data.split(b"\r\n"):
            self.assertNotIn(b"\n", line)
            self.assertNotIn(b"\r", line)
