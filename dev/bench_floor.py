# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The floor of the queue drain: the very bytes Odoo sent, replayed with
plain smtplib over one connection to the same SMTP server, by the same
Python as Odoo's. Prints the seconds it took, as JSON.

    python dev/bench_floor.py MESSAGES.pickle HOST PORT
"""

import json
import pickle
import smtplib
import sys
import time


def main():
    path, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(path, "rb") as handle:
        messages = pickle.load(handle)
    started = time.perf_counter()
    smtp = smtplib.SMTP(host, port, timeout=60)
    for mail_from, rcpt_tos, data in messages:
        smtp.sendmail(mail_from, rcpt_tos, data)
    smtp.quit()
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "mails": len(messages), "bytes": sum(len(m[2]) for m in messages)}))


if __name__ == "__main__":
    main()
