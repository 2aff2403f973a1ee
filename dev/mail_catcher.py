"""A local mail catcher for the demo: every message that reaches it is kept
as an .eml file and listed, with its attachments, on a web page.

    python dev/mail_catcher.py --smtp-port 1025 --http-port 1080 --dir DIR
"""
import argparse
import html
import http.server
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from smtp_server import ScriptedSmtpServer  # noqa: E402


def safe_name(fname):
    return "".join(c if c.isalnum() or c in " .-_" else "_" for c in fname or "file")


def write_index(folder, mails):
    rows = []
    for number, (stamp, mail) in enumerate(reversed(mails), 1):
        name = "%s.eml" % stamp
        files = ", ".join(
            '<a href="%s">%s</a>'
            % (html.escape("%s-%s" % (stamp, safe_name(fname))), html.escape(fname or "?"))
            for fname, _data, _ctype in mail.attachments()
        )
        rows.append(
            "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
            '<td><a href="%s">.eml</a></td></tr>'
            % (
                number,
                html.escape(str(mail.message["Date"] or "")),
                html.escape(", ".join(mail.rcpt_tos)),
                html.escape(str(mail.message["Subject"] or "")),
                files,
                html.escape(name),
            )
        )
    page = (
        "<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=5>"
        "<title>Mail catcher</title><h1>Mails received (%d)</h1>"
        "<table border=1 cellpadding=4><tr><th>#</th><th>Date</th><th>To</th>"
        "<th>Subject</th><th>Attachments</th><th>Raw</th></tr>%s</table>" % (len(mails), "".join(rows))
    )
    with open(os.path.join(folder, "index.html"), "w") as handle:
        handle.write(page)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=1080)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    server = ScriptedSmtpServer(port=args.smtp_port).start()
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=args.dir, **k)  # noqa: E731
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    web = http.server.ThreadingHTTPServer(("127.0.0.1", args.http_port), handler)
    threading.Thread(target=web.serve_forever, daemon=True).start()
    print("mail catcher: SMTP on 127.0.0.1:%d, mails at http://localhost:%d/ (files in %s)"
          % (args.smtp_port, args.http_port, args.dir), flush=True)
    kept = []
    write_index(args.dir, kept)
    try:
        while True:
            time.sleep(0.5)
            for mail in server.received[len(kept):]:
                stamp = time.strftime("%Y%m%d-%H%M%S") + "-%04d" % (len(kept) + 1)
                with open(os.path.join(args.dir, stamp + ".eml"), "wb") as handle:
                    handle.write(mail.data)
                for fname, data, _ctype in mail.attachments():
                    with open(os.path.join(args.dir, "%s-%s" % (stamp, safe_name(fname))), "wb") as handle:
                        handle.write(data or b"")
                kept.append((stamp, mail))
                subject, recipients = mail.message["Subject"], ", ".join(mail.rcpt_tos)
                print("mail received: %s -> %s" % (subject, recipients), flush=True)
                write_index(args.dir, kept)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        web.shutdown()


if __name__ == "__main__":
    main()
