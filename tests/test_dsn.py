# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""delivery/dsn.py on bounces as Postfix, Exim, Microsoft 365, Gmail and
qmail write them (tests/dsn_samples/)."""

import base64
import email
import email.policy
import os
import quopri

from odoo.tests import BaseCase

from ..delivery import dsn
from ..delivery.dsn import DELAYED, FAILED, HARD, SOFT, parse_dsn, severity, status_from_text

SAMPLES = os.path.join(os.path.dirname(__file__), "dsn_samples")


def sample(name):
    with open(os.path.join(SAMPLES, name), "rb") as handle:
        return handle.read()


class TestDsnParser(BaseCase):
    def assertRecipient(self, rcpt, **expected):
        for key, value in expected.items():
            self.assertEqual(getattr(rcpt, key), value, "%s of %s" % (key, rcpt.recipient))

    def test_postfix_two_recipients_headers_only(self):
        report = parse_dsn(sample("postfix_two_recipients_headers.eml"))
        self.assertEqual(report.source, "rfc3464")
        self.assertEqual(report.reporting_mta, "mail.shop.example")
        self.assertEqual(
            report.original_message_id,
            "<302734518114913.1764490444.803311586380005-openerp-42-account.move@odoo.shop.example>",
        )
        self.assertEqual(report.microsoft_original_message_id, "")
        self.assertEqual(
            [r.recipient for r in report.recipients], ["accounting@customer.example", "ceo@customer.example"]
        )
        accounting, ceo = report.recipients
        self.assertRecipient(
            accounting,
            action=FAILED,
            status="5.1.1",
            severity=HARD,
            diagnostic_type="smtp",
            # Postfix folds a long diagnostic over two lines: one line here.
            diagnostic_code="550 5.1.1 <accounting@customer.example>: Recipient address rejected: "
            "User unknown in virtual mailbox table",
            reporting_mta="mail.shop.example",
            remote_mta="mx1.customer.example",
            original_recipient="accounting@customer.example",
        )
        self.assertRecipient(ceo, action=FAILED, status="5.2.2", severity=HARD)
        self.assertEqual(ceo.diagnostic_code, "552 5.2.2 <ceo@customer.example>: Mailbox full")
        self.assertEqual(len(report.hard()), 2)
        self.assertEqual(report.soft(), [])
        self.assertEqual(report.for_recipient("CEO@customer.example"), [ceo])

    def test_postfix_delayed_is_soft(self):
        report = parse_dsn(sample("postfix_delayed.eml"))
        (status,) = report.recipients
        self.assertRecipient(
            status,
            recipient="orders@slow-customer.example",
            action=DELAYED,
            status="4.7.1",
            severity=SOFT,
            remote_mta="mx.slow-customer.example",
        )
        self.assertTrue(status.is_soft)
        self.assertFalse(status.is_hard)
        self.assertIn("Greylisted", status.diagnostic_code)
        self.assertEqual(report.hard(), [])
        self.assertEqual(
            report.message_ids,
            ["<117350263904175.1764490929.512807846069336-openerp-7-sale.order@odoo.shop.example>"],
        )

    def test_postfix_expired_is_hard_despite_4xx(self):
        # Postfix gives up after maximal_queue_lifetime with the last
        # temporary status: Action failed is final, the mail never arrives.
        (status,) = parse_dsn(sample("postfix_expired.eml")).recipients
        self.assertRecipient(
            status, action=FAILED, status="4.4.1", severity=HARD, diagnostic_type="x-postfix"
        )
        self.assertEqual(
            status.diagnostic_code,
            "connect to mx.slow-customer.example[203.0.113.7]:25: Connection timed out",
        )
        self.assertEqual(status.remote_mta, "")

    def test_exim_two_failed_full_message(self):
        report = parse_dsn(sample("exim_two_failed_full_message.eml"))
        self.assertEqual(report.reporting_mta, "smtp.shop.example")
        self.assertEqual(
            report.original_message_id,
            "<870395713361584.1764493358.117225170135498-openerp-15-sale.order@odoo.shop.example>",
        )
        jane, sales = report.recipients
        # Exim writes Status: 5.0.0 for every failure: the remote server's
        # own code from Diagnostic-Code is the precise one.
        self.assertRecipient(
            jane, recipient="jane.doe@client.example", action=FAILED, status="5.1.1", severity=HARD
        )
        self.assertRecipient(
            sales, recipient="sales@client.example", action=FAILED, status="5.7.1", severity=HARD
        )
        self.assertEqual(sales.diagnostic_code, "554 5.7.1 Message rejected as spam")
        self.assertEqual(sales.remote_mta, "mx.client.example")

    def test_exim_delay_warning_headers_only(self):
        report = parse_dsn(sample("exim_delayed_headers.eml"))
        (status,) = report.recipients
        self.assertRecipient(
            status,
            recipient="buyer@busy.example",
            action=DELAYED,
            status="4.2.2",
            severity=SOFT,
            remote_mta="mx.busy.example",
        )
        self.assertEqual(
            report.original_message_id,
            "<563108723409171.1764493508.889412641525269-openerp-16-sale.order@odoo.shop.example>",
        )

    def test_exchange_online_keeps_microsoft_original_message_id(self):
        report = parse_dsn(sample("exchange_online_headers.eml"))
        odoo_id = "<489512370081946.1764492008.402131080627441-openerp-51-account.move@odoo.shop.example>"
        exchange_id = (
            "<DB9PR04MB8123A1B2C3D4E5F60718293A4B5C6D7E8F90@DB9PR04MB8123.eurprd04.prod.outlook.com>"
        )
        self.assertEqual(report.original_message_id, exchange_id)
        self.assertEqual(report.microsoft_original_message_id, odoo_id)
        # The sender's own id first: that is the one Odoo stored.
        self.assertEqual(report.message_ids, [odoo_id, exchange_id])
        (status,) = report.recipients
        self.assertRecipient(
            status,
            recipient="nobody@customer-corp.example",
            original_recipient="nobody@customer-corp.example",
            action=FAILED,
            status="5.1.10",
            severity=HARD,
            reporting_mta="DB9PR04MB8123.eurprd04.prod.outlook.com",
            remote_mta="",
        )
        self.assertTrue(status.diagnostic_code.startswith("550 5.1.10 RESOLVER.ADR.RecipientNotFound;"))

    def test_gmail_failed_full_message(self):
        report = parse_dsn(sample("gmail_failed_full_message.eml"))
        self.assertEqual(report.reporting_mta, "googlemail.com")
        self.assertEqual(
            report.original_message_id,
            "<640377118893012.1764493951.228340625762939-openerp-23-sale.order@odoo.shop.example>",
        )
        (status,) = report.recipients
        # Gmail's Remote-MTA carries a comment: the host alone is kept.
        self.assertRecipient(
            status,
            recipient="old.contact@gone.example",
            action=FAILED,
            status="5.1.1",
            remote_mta="mx.gone.example",
        )

    def test_gmail_empty_report_falls_back_on_text(self):
        # Gmail sometimes sends an empty message/delivery-status part: stock
        # Odoo finds no recipient there; X-Failed-Recipients and the text do.
        report = parse_dsn(sample("gmail_empty_report.eml"))
        self.assertEqual(report.source, "text")
        (status,) = report.recipients
        self.assertRecipient(
            status, recipient="purchasing@disabled.example", action=FAILED, status="5.2.1", severity=HARD
        )
        self.assertEqual(
            status.diagnostic_code, "550 5.2.1 The email account that you tried to reach is disabled."
        )
        self.assertEqual(
            report.original_message_id,
            "<209447510186265.1764498650.114321708679199-openerp-60-account.move@odoo.shop.example>",
        )

    def test_qmail_plain_text(self):
        report = parse_dsn(sample("qmail_two_recipients.eml"))
        self.assertEqual(report.source, "qmail")
        self.assertEqual(report.reporting_mta, "relay.shop.example")
        # From the copy's header block, not the "Message-Id:" line in its body.
        self.assertEqual(
            report.original_message_id,
            "<731150883214455.1764492684.561028242111206-openerp-31-account.move@odoo.shop.example>",
        )
        info, ap = report.recipients
        self.assertRecipient(
            info,
            recipient="info@oldshop.example",
            action=FAILED,
            status="5.1.1",
            severity=HARD,
            diagnostic_code="550 5.1.1 <info@oldshop.example>... User unknown",
            diagnostic_type="smtp",
            remote_mta="198.51.100.90",
            reporting_mta="relay.shop.example",
        )
        self.assertRecipient(ap, recipient="ap@closed.example", action=FAILED, status="5.1.2", remote_mta="")
        self.assertIn("couldn't find any host named closed.example", ap.diagnostic_code)

    def test_real_postfix_dsn(self):
        # Written by Postfix 3.7 itself (tests/test_postfix_dsn.py's harness).
        report = parse_dsn(sample("postfix_real_refused.eml"))
        (status,) = report.recipients
        self.assertRecipient(
            status,
            recipient="customer@example.com",
            action=FAILED,
            status="5.1.1",
            severity=HARD,
            remote_mta="127.0.0.1",
        )
        self.assertTrue(report.original_message_id.endswith("-openerp-7-sale.order@odoo.test>"))

    def test_every_sample_parses_the_same_from_odoo_message(self):
        # Odoo's message_process hands over an EmailMessage parsed with
        # policy.SMTP: the parser reads it as it reads the raw bytes.
        names = sorted(n for n in os.listdir(SAMPLES) if n.endswith(".eml"))
        self.assertGreaterEqual(len(names), 10)
        for name in names:
            raw = sample(name)
            from_bytes = parse_dsn(raw)
            self.assertIsNotNone(from_bytes, name)
            self.assertTrue(from_bytes.recipients, name)
            self.assertTrue(from_bytes.message_ids, name)
            as_odoo = parse_dsn(email.message_from_bytes(raw, policy=email.policy.SMTP))
            self.assertEqual(as_odoo, from_bytes, name)

    def test_not_a_bounce(self):
        raw = (
            b"From: Customer <customer@example.com>\r\nTo: sales@shop.example\r\n"
            b"Subject: Re: quotation\r\nMessage-ID: <x@example.com>\r\n\r\nThanks, 550 pieces please.\r\n"
        )
        self.assertIsNone(parse_dsn(raw))

    def test_no_line_break_reaches_a_value(self):
        # A bounce is written by a stranger; its values go to journal rows,
        # notes and activity summaries: encoded CR/LF and Unicode line
        # separators are removed.
        raw = (
            "From: MAILER-DAEMON@mx.example\r\nTo: bounce@shop.example\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
            "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; =?utf-8?q?mx.example=0D=0ABcc=3A_x=40evil.example?=\r\n\r\n"
            "Final-Recipient: rfc822; victim@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; =?utf-8?q?550_5.1.1_gone=0D=0ASubject=3A_pwned=E2=80=A8X?=\r\n\r\n"
            "--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <a@b>\r\n\r\n--b--\r\n"
        )
        report = parse_dsn(raw.encode())
        (status,) = report.recipients
        for value in (status.diagnostic_code, status.reporting_mta, report.reporting_mta, status.recipient):
            for char in ("\r", "\n", "\u2028"):
                self.assertNotIn(char, value)
        self.assertEqual(status.diagnostic_code, "550 5.1.1 gone Subject: pwned X")

    def test_status_and_severity_rules(self):
        self.assertEqual(status_from_text("host said: 550 5.1.1 <a@b>: unknown"), "5.1.1")
        self.assertEqual(status_from_text("550 Requested action not taken"), "5.0.0")
        self.assertEqual(status_from_text("421 try later"), "4.0.0")
        self.assertEqual(status_from_text("relay 192.0.2.55 refused"), "")  # an IP is no status
        self.assertEqual(status_from_text("5.1.10 RESOLVER"), "5.1.10")
        self.assertEqual(severity(FAILED, "5.1.1"), HARD)
        self.assertEqual(severity(FAILED, "4.4.1"), HARD)
        self.assertEqual(severity(DELAYED, "4.2.2"), SOFT)
        self.assertEqual(severity("", "5.2.1"), HARD)
        self.assertEqual(severity("", "4.2.1"), SOFT)
        self.assertIsNone(severity(dsn.DELIVERED, "2.0.0"))
        self.assertIsNone(severity(dsn.RELAYED, "2.0.0"))

    def test_missing_action_is_inferred_from_status(self):
        raw = sample("postfix_delayed.eml").replace(b"Action: delayed\n", b"")
        (status,) = parse_dsn(raw).recipients
        self.assertEqual((status.action, status.severity), (DELAYED, SOFT))

    def test_encoded_report(self):
        # Some MTAs base64- or QP-encode the delivery-status part; the email
        # package would read the encoded text as fields.
        report = (
            "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\n"
            "Action: failed\r\nStatus: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 utilisateur inconnu \u00e9 = x\r\n  folded\r\n"
        ).encode()
        for encoding, body in (
            ("base64", base64.encodebytes(report)),
            ("quoted-printable", quopri.encodestring(report)),
        ):
            raw = (
                b"From: MAILER-DAEMON@mx.example\r\nTo: bounce@shop.example\r\nMIME-Version: 1.0\r\n"
                b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
                b"--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n"
                b"--b\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: "
                + encoding.encode()
                + b"\r\n\r\n"
                + body
                + b"\r\n--b--\r\n"
            )
            (status,) = parse_dsn(raw).recipients
            self.assertEqual(
                (status.recipient, status.action, status.status, status.reporting_mta),
                ("a@b.example", FAILED, "5.1.1", "mx.example"),
                encoding,
            )
            self.assertEqual(
                status.diagnostic_code, "550 5.1.1 utilisateur inconnu \u00e9 = x folded", encoding
            )
