#!/usr/bin/env python3
# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How long delivery/dsn reads a large bounce: 1, 5 and 10 MB of each shape
(the copy of the original mail is what makes a bounce large), best of 3.

    python3 dev/dsn_timing.py            # this parser
    python3 dev/dsn_timing.py --flufl    # and flufl.bounce's all_failures, when installed

A linear parser takes about ten times as long at 10 MB as at 1 MB. Kept out
of the unit tests on purpose: timings there depend on the machine's load.
"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from delivery.dsn import parse_dsn  # noqa: E402

LINE = b"line %d of the original text, with 192.0.2.222 and rsa-sha256 and 550 in it.\n"
EXIM_TEXT = (
    b"From: Mail Delivery System <Mailer-Daemon@relay.example>\nTo: bounce@shop.example\n"
    b"Subject: Mail delivery failed\nContent-Type: text/plain\n\n"
    b"This message was created automatically by mail delivery software.\n\n"
    b"A message that you sent could not be delivered to one or more of its\n"
    b"recipients. This is a permanent error. The following address(es) failed:\n\n"
    b"  user@example.com\n    host mx.example.com [192.0.2.222]: 550 5.1.1 User unknown\n\n"
    b"------ This is a copy of the message, including all the headers. ------\n\n"
    b"Message-ID: <a@shop.example>\nSubject: x\n\n"
)
REPORT = (
    b"From: MAILER-DAEMON@mx.example\nTo: bounce@shop.example\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    b"--b\nContent-Type: text/plain\n\nfailed\n"
    b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
    b"Final-Recipient: rfc822; a@b.example\nAction: failed\nStatus: 5.1.1\n\n"
    b"--b\nContent-Type: message/rfc822\n\nMessage-ID: <a@shop.example>\nSubject: x\n\n"
)
NO_MARKER = (
    b"From: MAILER-DAEMON@mx.example\nTo: bounce@shop.example\nSubject: Undeliverable\n"
    b"Content-Type: text/plain\n\nDelivery has failed to these recipients:\n\nuser@example.com\n"
)

HTML = (
    b"From: MAILER-DAEMON@mx.example\nTo: bounce@shop.example\nSubject: Undeliverable\n"
    b"Content-Type: text/html\n\n<p>Delivery has failed to these recipients:</p><p>user@example.com</p>"
)


def shapes(size):
    body = b"".join(LINE % i for i in range(size // len(LINE) + 1))
    return {
        "Exim text, inline copy": EXIM_TEXT + body,
        "RFC 3464, attached message": REPORT + body + b"\n--b--\n",
        "prose with no copy marker": NO_MARKER + body,
        "one 10 MB line": NO_MARKER + body.replace(b"\n", b" "),
        "Exim text, CRLF": (EXIM_TEXT + body).replace(b"\n", b"\r\n"),
        # Hostile shapes: what would make a backtracking pattern quadratic.
        "reply line, one run without @": NO_MARKER + b"550 " + b"x" * size + b"@\n",
        "HTML, '<' without '>'": HTML + b"<p" * (size // 2) + b"\n",
        "X-Failed-Recipients, one token": b"X-Failed-Recipients: a@" + b"b" * size + b";\n" + NO_MARKER,
    }


def best_of(func, raw, runs=3):
    best = None
    for _run in range(runs):
        start = time.perf_counter()
        func(raw)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    readers = [("delivery/dsn", parse_dsn)]
    if "--flufl" in sys.argv:
        import email

        from flufl.bounce import all_failures

        readers.append(("flufl.bounce", lambda raw: all_failures(email.message_from_bytes(raw))))
    sizes = (1, 5, 10)
    print("| reader | shape | " + " | ".join("%d MB (s)" % mb for mb in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))
    table = {mb: shapes(mb * 1024 * 1024) for mb in sizes}
    for label, func in readers:
        for shape in table[sizes[0]]:
            times = [best_of(func, table[mb][shape]) for mb in sizes]
            print("| %s | %s | %s |" % (label, shape, " | ".join("%.2f" % t for t in times)))


if __name__ == "__main__":
    main()
