# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile input, end to end: what crosses the wire, or the one clear error
that stops everything before anything is queued or posted.

Rule for every test here: a send of one document, or of several from a list,
is all or nothing. A user who clicked Send once must never have to find out
which customers got the mail and which did not."""

import base64
import logging
import os
import time
from contextlib import contextmanager
from unittest.mock import patch

from odoo.tools import mute_logger

from . import test_send_document
from .common import real_smtp_delivery
from .test_send_document import DocumentCase

_logger = logging.getLogger(__name__)

#: Work allowed per recipient to check a send to 10,000 recipients: linear,
#: and the email column only (a partner row has about 90 columns).
IDS_BROWSED_PER_RECIPIENT = 20
VALUES_READ_PER_RECIPIENT = 3

NAME = "Zoë Ðurić 山田太郎 🎉"
SUBJECT = "Devis — été ✓ 見積書 🚀"
FILE_NAME = "Reçu 東京 🍣.txt"


class HostileCase(DocumentCase):
    # Borrowed as plain functions: importing the test classes themselves
    # would run their tests a second time from this module.
    assert_refused = test_send_document.TestChecks.assert_refused

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The messages checked here are the English ones, whatever the
        # language of the database's administrator (French in the template).
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.customer = cls.customer.with_env(cls.env)
        cls.other = cls.other.with_env(cls.env)

    def header_block(self, received):
        return received.data.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]

    def assert_headers_ascii(self, received):
        # RFC 5322 headers are 7-bit: non-ASCII goes RFC 2047-encoded.
        self.header_block(received).decode("ascii")

    def header_names(self, received):
        return [line.split(":", 1)[0].strip().lower() for line in received.header_lines() if ":" in line]

    def counts(self):
        return (
            self.env["mail.mail"].search_count([]),
            self.env["mail.message"].search_count([]),
        )


class TestNonAscii(HostileCase):
    def test_accents_cjk_and_emoji_arrive_intact(self):
        partner = self.env["res.partner"].create({"name": NAME, "email": "zoe@example.com", "lang": "en_US"})
        order = self.make_order(partner=partner)
        composer = self.composer(order.action_quotation_send())
        composer.subject = SUBJECT
        composer.attachment_ids |= self.env["ir.attachment"].create(
            {"name": FILE_NAME, "datas_fname": FILE_NAME, "datas": base64.b64encode("本文 ✓".encode())}
        )
        self.send(composer)
        received = self.assert_one_mail_to("zoe@example.com")
        self.assert_headers_ascii(received)
        self.assertEqual(str(received.message["Subject"]), SUBJECT)
        self.assertEqual(received.message["To"].addresses[0].display_name, NAME)
        self.assertEqual(received.message["To"].addresses[0].addr_spec, "zoe@example.com")
        files = {name: data for name, data, _ctype in received.attachments()}
        self.assertEqual(files[FILE_NAME], "本文 ✓".encode())
        self.assertIn("Quotation - %s.pdf" % order.name, files)
        # The template greets the customer by name, in the HTML body.
        self.assertIn(NAME, received.body_html())

    def test_line_breaks_of_every_kind_add_no_header(self):
        # CR/LF are covered in test_send_document; here the other ways to
        # break a line: a lone CR or LF, a folding attempt, Unicode
        # separators, and a name that is itself an RFC 2047 encoded word
        # hiding CR/LF and an address.
        names = [
            "Lone\rBcc: victim@example.com",
            "Lone\nBcc: victim@example.com",
            "Fold\r\n\tBcc: victim@example.com",
            "Sep\u2028Bcc: victim@example.com\u2029X-Injected: yes\x85X-Injected: yes",
            "=?utf-8?q?Eve=0D=0ABcc=3A_victim=40example=2Ecom?=",
        ]
        partners = self.env["res.partner"]
        for index, name in enumerate(names):
            partners |= self.env["res.partner"].create({"name": name, "email": "p%d@example.com" % index})
        order = self.make_order(partner=partners[0])
        composer = self.composer(order.action_quotation_send())
        composer.partner_ids = partners
        composer.subject = "Sub\rject\u2028X-Injected: yes"
        composer.attachment_ids |= self.env["ir.attachment"].create(
            {"name": "f", "datas_fname": "f\u2028X-Injected: yes\r.txt", "datas": "QUJD"}
        )
        self.send(composer)
        self.assertEqual(len(self.smtp.received), len(names), self.smtp.attempts)
        self.assertEqual(
            sorted(address for mail in self.smtp.received for address in mail.rcpt_tos),
            ["p%d@example.com" % index for index in range(len(names))],
            "nobody but the listed partners, victim@example.com least of all",
        )
        for received in self.smtp.received:
            self.assert_headers_ascii(received)
            headers = self.header_names(received)
            self.assertNotIn("bcc", headers)
            self.assertNotIn("x-injected", headers)
            self.assertEqual(headers.count("to"), 1)
            for part in received.message.walk():
                self.assertNotIn("x-injected", [key.lower() for key in part.keys()])
            for name, _data, _ctype in received.attachments():
                self.assertFalse(set(name) & {"\r", "\n", "\u2028"}, name)


class TestAddresses(HostileCase):
    def test_idn_domain_goes_out_in_punycode(self):
        # Odoo 11 (formataddr, then ir.mail_server's ASCII-only envelope)
        # would fail or silently drop this recipient: sent IDNA-encoded.
        partner = self.env["res.partner"].create({"name": "Ünïcode Domain", "email": "user@exämple.fr"})
        order = self.make_order(partner=partner)
        composer = self.composer(order.action_quotation_send())
        self.send(composer)
        received = self.assert_one_mail_to("user@xn--exmple-cua.fr")
        self.assertEqual(received.message["To"].addresses[0].addr_spec, "user@xn--exmple-cua.fr")
        self.assertEqual(order.state, "sent")

    def test_non_ascii_local_part_is_refused_before_sending(self):
        # It needs SMTPUTF8, which Odoo 11 never asks for: refused, clearly.
        partner = self.env["res.partner"].create({"name": "Jöhn", "email": "jöhn@exämple.fr"})
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        composer.partner_ids |= partner
        message = self.assert_refused(composer, "'jöhn@exämple.fr' of Jöhn has accents")
        self.assertNotIn("malformed", message)
        self.assertFalse(self.smtp.attempts)

    def test_malformed_addresses_all_listed_nothing_sent(self):
        bad = [
            "two@example.com, addresses@example.com",
            "semi@example.com;colon@example.com",
            "Name <inside@example.com>",
            "crlf@example.com\r\nBcc: victim@example.com",
            "no-tld@localhost",
            "double@@example.com",
            "trailing-dot@example.com.",
        ]
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        for index, email in enumerate(bad):
            composer.partner_ids |= self.env["res.partner"].create({"name": "Bad %d" % index, "email": email})
        message = self.assert_refused(
            composer, *["of Bad %d is malformed" % index for index in range(len(bad))]
        )
        # Shown escaped: the error message itself stays on its lines.
        self.assertIn("'crlf@example.com\\r\\nBcc: victim@example.com'", message)
        self.assertEqual(order.state, "draft")
        self.assertFalse(self.smtp.attempts)

    def test_chatter_follower_with_unusable_address_does_not_block_the_others(self):
        # Outside the composer (a plain chatter message), a follower whose
        # address Odoo cannot send to used to fail the mail of every
        # follower of its batch: now only that one is left out.
        order = self.make_order()
        john = self.env["res.partner"].create({"name": "Jöhn", "email": "jöhn@example.fr"})
        idn = self.env["res.partner"].create({"name": "Idn", "email": "idn@bücher.de"})
        order.message_subscribe(partner_ids=(john | idn).ids)
        with real_smtp_delivery():
            order.message_post(body="Hello followers", subtype="mail.mt_comment", message_type="comment")
        self.flush_mail_queue()
        self.assertEqual(
            sorted(address for mail in self.smtp.received for address in mail.rcpt_tos),
            ["alpha@example.com", "idn@xn--bcher-kva.de"],
            self.smtp.attempts,
        )


class TestVolume(HostileCase):
    def make_partners(self, count, prefix):
        """`count` partners with valid addresses, inserted in one statement:
        the ORM would take minutes, and they are input here, not under test."""
        self.env.cr.execute(
            """INSERT INTO res_partner (name, display_name, email, active, type, customer, lang,
                                        invoice_warn, sale_warn)
               SELECT %(prefix)s || n, %(prefix)s || n, 'r' || n || '@' || %(prefix)s || '.example.com',
                      true, 'contact', true, 'en_US', 'no-message', 'no-message'
               FROM generate_series(1, %(count)s) AS n RETURNING id""",
            {"prefix": prefix, "count": count},
        )
        return self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])

    @contextmanager
    def partner_work(self):
        """Count, inside the block, the partner ids put into recordsets and
        the partner field values read from the database: machine-independent
        measures of the two mistakes that made this check slow (rebuilding
        the 10,000-recipient recordset per recipient, quadratic: 5 s; and
        reading every field of every recipient: 50 s). The real methods
        run; they are only counted."""
        Partner = type(self.env["res.partner"])
        real_browse, real_read = Partner._browse, Partner._read_from_database
        work = {"ids browsed": 0, "values read": 0}

        def counting_browse(cls, ids, env, prefetch=None):
            work["ids browsed"] += len(ids)
            return real_browse(ids, env, prefetch)

        def counting_read(records, field_names, inherited_field_names=()):
            work["values read"] += len(records) * len(field_names)
            return real_read(records, field_names, list(inherited_field_names))

        with patch.object(Partner, "_browse", classmethod(counting_browse)), patch.object(
            Partner, "_read_from_database", counting_read
        ):
            yield work

    def test_ten_thousand_recipients_refused_quickly(self):
        # A document to 10,000 people is a mailing sent by mistake: each
        # recipient gets an SMTP message of its own, PDF included. Refused,
        # with a message that says what to do, and fast: work linear in the
        # recipients, their email column read a thousand at a time.
        partners = self.make_partners(10000, "bulk")
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        composer.partner_ids = partners
        composer.invalidate_cache()
        with self.partner_work() as work:
            message = self.assert_refused(composer, "There are 10000 recipients, more than the 100")
        _logger.info("10,000 recipients refused: %s", work)
        self.assertIn("mail_document_send.max_recipients", message)
        self.assertLessEqual(work["ids browsed"], IDS_BROWSED_PER_RECIPIENT * len(partners), work)
        self.assertLessEqual(work["values read"], VALUES_READ_PER_RECIPIENT * len(partners), work)
        self.assertEqual(order.state, "draft")
        self.assertFalse(self.smtp.attempts)

    def test_problems_past_twenty_are_counted_not_listed(self):
        partners = self.make_partners(30, "nomail")
        partners.write({"email": False})
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        composer.partner_ids = partners
        message = self.assert_refused(composer, "and 10 more problems")
        self.assertEqual(message.count("has no email address"), 20)

    def test_many_recipients_under_the_limit_each_get_one_mail(self):
        # Stock splits the recipients in mails of 50: 60 crosses a split.
        partners = self.make_partners(60, "many")
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        composer.partner_ids = partners
        start = time.monotonic()
        self.send(composer)
        _logger.info("60 recipients sent in %.1f s", time.monotonic() - start)
        self.assertEqual(
            sorted(address for mail in self.smtp.received for address in mail.rcpt_tos),
            sorted(partners.mapped("email")),
            "each recipient exactly once",
        )
        self.assertEqual(len({mail.message_id for mail in self.smtp.received}), 1)

    def test_thirty_megabytes_refused_before_anything(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        big = self.env["ir.attachment"].create(
            {
                "name": "scan.bin",
                "datas_fname": "scan.bin",
                "datas": base64.b64encode(os.urandom(30 * 1024 * 1024)),
            }
        )
        composer.attachment_ids |= big
        start = time.monotonic()
        self.assert_refused(composer, "The attachments weigh 40.", "over the limit of 10.0 MB")
        _logger.info("30 MB attachment refused in %.1f s", time.monotonic() - start)
        self.assertEqual(order.state, "draft")
        self.assertFalse(self.smtp.attempts)


class TestTemplateAndBody(HostileCase):
    def test_script_in_the_body_never_reaches_the_wire(self):
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        composer.body = (
            '<p>Hello</p><script>alert("body")</script>'
            '<img src="x" onerror="alert(1)"/><a href="javascript:alert(2)">click</a>'
            '<iframe src="https://evil.example.com"></iframe>'
        )
        self.send(composer)
        html = self.assert_one_mail_to("alpha@example.com").body_html()
        self.assertIn("Hello", html)
        for needle in ("<script", "alert(", "onerror", "javascript:", "<iframe"):
            self.assertNotIn(needle, html)

    def test_script_in_a_customer_name_is_text_in_a_list_send(self):
        evil = self.env["res.partner"].create(
            {"name": '<script>alert("name")</script>Mallory', "email": "mallory@example.com"}
        )
        orders = self.make_order() | self.make_order(partner=evil)
        composer = self.list_composer(orders, "mail_document_send.action_sale_order_send_by_email")
        self.send(composer)
        self.assertEqual(len(self.smtp.received), 2, self.smtp.attempts)
        for received in self.smtp.received:
            self.assertNotIn("<script", received.body_html())
        mallory = [mail for mail in self.smtp.received if mail.rcpt_tos == ["mallory@example.com"]]
        self.assertIn("Mallory", mallory[0].body_html())

    @mute_logger("odoo.addons.mail.models.mail_template")
    def test_list_send_with_one_document_the_template_fails_on(self):
        # The template breaks for one document only: nothing is sent for
        # any of them (the user fixes and sends the whole selection again,
        # rather than hunt for who got it), and the error names it.
        good = self.make_order() | self.make_order()
        good.mapped("partner_id").write({"ref": "C-1"})
        noref = self.env["res.partner"].create({"name": "No Ref", "email": "noref@example.com"})
        bad = self.make_order(partner=noref)
        orders = good | bad
        composer = self.list_composer(orders, "mail_document_send.action_sale_order_send_by_email")
        template = composer.template_id.copy()
        template.write({"name": "Ref template", "subject": "${object.partner_id.ref.lower()} ${object.name}"})
        composer.template_id = template
        message = self.assert_refused(composer, "%s: The template Ref template fails to render" % bad.name)
        for order in good:
            self.assertNotIn(order.name, message)
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        self.assertFalse(self.smtp.attempts)

    def test_list_send_with_one_unusable_address_sends_nothing(self):
        idn = self.env["res.partner"].create({"name": "Idn", "email": "idn@bücher.de"})
        john = self.env["res.partner"].create({"name": "Jöhn", "email": "jöhn@example.fr"})
        orders = self.make_order() | self.make_order(partner=idn) | self.make_order(partner=john)
        composer = self.list_composer(orders, "mail_document_send.action_sale_order_send_by_email")
        self.assert_refused(
            composer, "%s: The email address 'jöhn@example.fr' of Jöhn has accents" % orders[2].name
        )
        self.assertEqual(set(orders.mapped("state")), {"draft"})
        # Without the unusable one, the IDN customer gets it, in punycode.
        composer = self.list_composer(orders[:2], "mail_document_send.action_sale_order_send_by_email")
        self.send(composer)
        self.assertEqual(
            sorted(address for mail in self.smtp.received for address in mail.rcpt_tos),
            ["alpha@example.com", "idn@xn--bcher-kva.de"],
        )


class TestNoHalfSentDelivery(HostileCase):
    def test_one_recipient_refused_for_now_the_others_get_it_exactly_once(self):
        # Stock puts up to 50 recipients in one mail.mail and sends it as one
        # SMTP message each: when the server turns one down, those after it
        # got nothing and the retry sends it again to those before it.
        order = self.make_order()
        composer = self.composer(order.action_quotation_send())
        busy = self.env["res.partner"].create({"name": "Busy Beta", "email": "beta@example.com"})
        last = self.env["res.partner"].create({"name": "Gamma", "email": "gamma@example.com"})
        composer.partner_ids |= busy | last
        self.smtp.refuse("beta@example.com", "451 4.2.0 <%s>: mailbox busy, try later")
        self.send(composer)
        self.assertEqual(
            sorted(address for mail in self.smtp.received for address in mail.rcpt_tos),
            ["alpha@example.com", "gamma@example.com"],
            self.smtp.attempts,
        )
        waiting = self.env["mail.mail"].search([("model", "=", "sale.order"), ("res_id", "=", order.id)])
        waiting = waiting.filtered(lambda mail: mail.state == "outgoing")
        self.assertEqual(waiting.recipient_ids, busy)
        self.assertEqual(waiting.failure_type, "temporary")

        # The retry, once due, reaches Beta alone.
        self.smtp.reset()
        waiting.write({"next_attempt_date": "2000-01-01 00:00:00"})
        with real_smtp_delivery():
            self.env["mail.mail"].with_context(mail_document_send_no_commit=True).process_email_queue(
                ids=waiting.ids
            )
        self.assertEqual([mail.rcpt_tos for mail in self.smtp.received], [["beta@example.com"]])
        journal = self.env["mail.delivery.log"].search([("mail_id", "=", waiting.id)], order="id")
        self.assertEqual(journal.mapped("state"), ["failed", "sent"])
