# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""delivery/dsn on one sample per family of bounces (tests/dsn_samples/,
EXPECTED.tsv says what each one reports): RFC 3464 reports well-formed or
sloppy, the prose of MTAs and providers without a report, Amazon SES JSON,
delays, and mails that are no bounce at all."""

import email
import email.policy
import os

from odoo.tests import BaseCase

from ..delivery.dsn import DELAYED, FAILED, HARD, SOFT, mime, parse_dsn, report, status_from_text, text

SAMPLES = os.path.join(os.path.dirname(__file__), "dsn_samples")


def sample(name):
    with open(os.path.join(SAMPLES, name), "rb") as handle:
        return handle.read()


def expected_samples():
    """{file: (family, [(address, action, status)], message_id)}."""
    rows = {}
    with open(os.path.join(SAMPLES, "EXPECTED.tsv"), encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            name, family, recipients, message_id = line.rstrip("\n").split("\t")
            statuses = []
            for item in recipients.split(",") if recipients != "-" else []:
                rcpt, outcome = item.split("=")
                statuses.append((rcpt, *outcome.split("/")))
            rows[name] = (family, statuses, "" if message_id == "-" else message_id)
    return rows


def summary(found):
    if found is None:
        return None
    return ([(r.recipient, r.action, r.status) for r in found.recipients], found.message_ids[:1])


class TestDsnFamilies(BaseCase):
    def test_every_sample_reads_as_expected(self):
        rows = expected_samples()
        on_disk = {n for n in os.listdir(SAMPLES) if n.endswith(".eml")}
        on_disk |= {"not_bounces/" + n for n in os.listdir(os.path.join(SAMPLES, "not_bounces"))}
        self.assertEqual(set(rows), on_disk, "every sample has its line in EXPECTED.tsv")
        families = {family for family, _s, _m in rows.values()}
        # The families issue 25 names, each with a sample at least.
        for family in (
            "Postfix",
            "Exim",
            "qmail",
            "Gmail",
            "Google Groups",
            "Mail.ru",
            "Yahoo",
            "Daum",
            "Amazon WorkMail",
            "Exchange 2003",
            "Office 365 / Exchange Online",
            "IMail",
            "Zoho",
            "GMX",
            "Sendmail V5",
            "AOL",
            "SendGrid",
            "Amazon SES (JSON)",
            "Sloppy RFC 3464",
            "Forwarded report",
        ):
            self.assertIn(family, families)
        for name, (_family, statuses, message_id) in rows.items():
            with self.subTest(sample=name):
                found = parse_dsn(sample(name))
                if not statuses:
                    self.assertIsNone(found)
                    continue
                self.assertEqual([(r.recipient, r.action, r.status) for r in found.recipients], statuses)
                self.assertEqual(found.message_ids[:1], [message_id] if message_id else [])

    def test_cr_lf_and_crlf_read_alike(self):
        for name in expected_samples():
            with self.subTest(sample=name):
                lf = sample(name).replace(b"\r\n", b"\n")
                as_lf = summary(parse_dsn(lf))
                self.assertEqual(summary(parse_dsn(lf.replace(b"\n", b"\r\n"))), as_lf)
                self.assertEqual(summary(parse_dsn(lf.replace(b"\n", b"\r"))), as_lf)

    def test_no_delay_auto_reply_feedback_or_delivered_notice_is_hard(self):
        for name in sorted(os.listdir(os.path.join(SAMPLES, "not_bounces"))):
            with self.subTest(sample=name):
                found = parse_dsn(sample("not_bounces/" + name))
                self.assertEqual(found.hard() if found else [], [])
        for name in ("exim_text_delayed.eml", "gmail_text_delayed.eml", "zoho_delayed.eml"):
            with self.subTest(sample=name):
                (status,) = parse_dsn(sample(name)).recipients
                self.assertEqual((status.action, status.severity), (DELAYED, SOFT))

    def test_status_digits_only_where_a_bounce_writes_them(self):
        for noise in (
            "relay 192.0.2.222 refused",
            "a=rsa-sha256; bh=47DEQ",
            "host neko222-mx.example",
            "user550@example.com",
            "version 10.0.2.2",
        ):
            self.assertEqual(status_from_text(noise), "", noise)
        self.assertEqual(status_from_text("host mx [192.0.2.222]: 550 not accepted"), "5.0.0")
        self.assertEqual(status_from_text("<mx #5.1.1 smtp;550 5.1.1 User unknown>"), "5.1.1")
        self.assertEqual(status_from_text("Remote host said: 452 mailbox full"), "4.0.0")
        # The copy of the original mail (a DKIM signature, IPs, "250 items
        # at 550 EUR, 2.0.0 version" in its body) gives no code.
        report_ = parse_dsn(sample("exim_text_failed.eml"))
        self.assertEqual([r.status for r in report_.recipients], ["5.1.1", "5.0.0"])
        self.assertEqual(report_.recipients[1].remote_mta, "neko222-mx.neko222-shop.example")

    def test_report_without_blank_lines_keeps_every_recipient(self):
        blocks = report.split_blocks(
            "Reporting-MTA: dns; mx.example\nFinal-Recipient: rfc822; a@x.example\nAction: failed\n"
            "Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 no such\nuser here\n"
            "Action: failed\nFinal-Recipient: rfc822; b@x.example\nOriginal-Recipient: rfc822; b@x.example\n"
            "Status: 5.2.2"
        )
        self.assertEqual(
            [dict(b).get("final-recipient") for b in blocks],
            [None, "rfc822; a@x.example", "rfc822; b@x.example"],
        )
        # An unindented continuation line continues the field.
        self.assertEqual(dict(blocks[1])["diagnostic-code"], "smtp; 550 5.1.1 no such user here")
        self.assertEqual(dict(blocks[2])["original-recipient"], "rfc822; b@x.example")

    def test_expired_with_empty_status_is_a_failure(self):
        (status,) = parse_dsn(sample("sendgrid_expired.eml")).recipients
        self.assertEqual((status.action, status.status, status.severity), (FAILED, "4.4.7", HARD))
        self.assertEqual(status.original_recipient, "neko@expired-customer.example")

    def test_pipe_or_file_delivery_is_no_recipient(self):
        found = parse_dsn(sample("exim_pipe_failed.eml"))
        self.assertEqual([r.recipient for r in found.recipients], ["purchasing@customer.example"])
        # Without the "generated by" line, X-Failed-Recipients holds only the
        # pipe: no recipient at all rather than a command.
        raw = sample("exim_pipe_failed.eml").replace(b"generated by purchasing", b"made for purchasing")
        self.assertIsNone(parse_dsn(raw))

    def test_message_id_wherever_the_bounce_carries_it(self):
        cases = {
            "forwarded_postfix_report.eml": "-openerp-42-account.move@",  # innermost, not the report's
            "office365_headers_in_text.eml": "-openerp-93-sale.order@",  # headers pasted in the text
            "exim_text_failed.eml": "-openerp-81-sale.order@",  # "This is a copy of the message"
            "qmail_crlf_unindented_received.eml": "-openerp-84-sale.order@",  # marker + trailing space
            "google_groups_failed.eml": "-openerp-87-sale.order@",  # "----- Original message -----"
            "sendmail_v5_failed.eml": "-openerp-98-sale.order@",  # "Unsent message follows"
        }
        for name, part in cases.items():
            with self.subTest(sample=name):
                self.assertIn(part, parse_dsn(sample(name)).original_message_id)

    def test_ses_transient_bounce_is_soft_and_delivery_no_bounce(self):
        raw = sample("ses_json_bounce.eml").replace(b'\\"Permanent\\"', b'\\"Transient\\"')
        found = parse_dsn(raw)
        self.assertEqual({r.severity for r in found.recipients}, {SOFT})
        raw = raw.replace(b'\\"Bounce\\"', b'\\"Delivery\\"')
        raw = raw.replace(
            b'\\"bounce\\":{', b'\\"delivery\\":{\\"recipients\\":[\\"kiji@ses-customer.example\\"],'
        )
        found = parse_dsn(raw)
        self.assertEqual(
            [(r.recipient, r.severity) for r in found.recipients], [("kiji@ses-customer.example", None)]
        )

    def test_read_as_odoo_hands_it_over(self):
        for name in expected_samples():
            with self.subTest(sample=name):
                raw = sample(name)
                as_odoo = parse_dsn(email.message_from_bytes(raw, policy=email.policy.SMTP))
                self.assertEqual(as_odoo, parse_dsn(raw))

    def test_ten_megabyte_bounce_reads_only_its_prose(self):
        # The copy of the mail makes a bounce large; the text readers look
        # at its first MAX_PROSE characters only (dev/dsn_timing.py measures
        # the whole parse: about 0.2 s for 10 MB here).
        copy = b"".join(b"line %d with 192.0.2.222 and rsa-sha256, 550 of them\n" % i for i in range(200000))
        self.assertGreater(len(copy), 10 * 1024 * 1024)
        small = sample("exim_text_failed.eml")
        self.assertEqual(summary(parse_dsn(small + copy)), summary(parse_dsn(small)))
        prose = (
            b"From: MAILER-DAEMON@mx.example\nSubject: Undeliverable\n\n"
            b"Delivery has failed to:\n\nuser@x.example\n"
        )
        self.assertEqual(
            len(text.prose_of(mime.decoded_text(email.message_from_bytes(prose + copy)))), mime.MAX_PROSE
        )
        (status,) = parse_dsn(prose + copy).recipients
        self.assertEqual(
            (status.recipient, status.action, status.status), ("user@x.example", FAILED, "5.0.0")
        )
