#!/usr/bin/env python3
# Copyright 2026 mail_document_send contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hand one incoming mail (on stdin) to Odoo: a mail server's pipe target.

Odoo's own `addons/mail/static/scripts/odoo-mailgate.py` does this job but is
Python 2 (`xmlrpclib`) and cannot run on a current system. This is the same
call, in Python 3 and the standard library only (the mail server runs it as
an unprivileged user, often outside any virtualenv):

    mail.thread.message_process(False, <the raw mail as xmlrpc Binary>)

over XML-RPC with the credentials given. Odoo parses the mail, recognises a
bounce (`_detect_is_bounce`) and routes it.

Postfix, master.cf (see docs/bounces.rst)::

    odoo unix - n n - - pipe
      flags=R user=odoo argv=/usr/bin/python3 /opt/odoo/mailgate.py
      --config /etc/odoo/mailgate.conf

Settings, first found wins: command line, then the --config file (lines
`key = value`: url, db, user, password), then the environment (ODOO_URL,
ODOO_DB, ODOO_USER, ODOO_PASSWORD). Prefer --config or the environment for
the password: a command line is visible to every local user.

`--maildir DIR` writes the mail into DIR instead (one file per mail, written
under a temporary name then renamed, as maildir delivery does): the Postfix
harness's standalone test uses it to look at what Postfix delivered without
an Odoo.

Exit codes follow sysexits, which Postfix's pipe understands: 0 delivered;
75 (EX_TEMPFAIL) when Odoo cannot be reached or the settings are wrong, so
that Postfix keeps the mail and retries (a bounce is not lost while an
administrator fixes a password); 65 (EX_DATAERR) when Odoo ran and refused
the mail, so that it goes to the postmaster instead of being retried for
days.
"""

import argparse
import os
import socket
import sys
import time
import xmlrpc.client

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75
#: Odoo's fault code for AccessDenied (odoo/addons/base/controllers/rpc.py:27).
RPC_ACCESS_DENIED = 3
SETTINGS = ("url", "db", "user", "password")


def read_config(path):
    values = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith(("#", ";", "[")) or "=" not in line:
                continue
            key, value = line.split("=", 1)
            values[key.strip().lower()] = value.strip()
    return values


def settings(args):
    config = read_config(args.config) if args.config else {}
    result = {}
    for key in SETTINGS:
        result[key] = getattr(args, key) or config.get(key) or os.environ.get("ODOO_" + key.upper()) or ""
    return result


def to_maildir(directory, data):
    """Write `data` as one new file in `directory`; return its path."""
    name = "%d.%d.%s" % (time.time_ns(), os.getpid(), socket.gethostname())
    tmp = os.path.join(directory, "." + name + ".tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    final = os.path.join(directory, name + ".eml")
    os.rename(tmp, final)
    return final


def to_odoo(conf, data):
    """Call mail.thread.message_process; return the thread id (or False)."""
    url = conf["url"].rstrip("/")
    common = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common", allow_none=True)
    uid = conf["user"]
    if not str(uid).isdigit():
        # A login: authenticate once to get the user id.
        uid = common.authenticate(conf["db"], conf["user"], conf["password"], {})
        if not uid:
            raise PermissionError("Odoo refused the login %r on database %r" % (conf["user"], conf["db"]))
    models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object", allow_none=True)
    return models.execute_kw(
        conf["db"], int(uid), conf["password"],
        "mail.thread", "message_process", [False, xmlrpc.client.Binary(data)], {},
    )  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="Odoo's URL, e.g. http://127.0.0.1:8069 (ODOO_URL)")
    parser.add_argument("--db", "-d", help="database (ODOO_DB)")
    parser.add_argument("--user", "-u", help="login or user id (ODOO_USER)")
    parser.add_argument("--password", "-p", help="password or API key (ODOO_PASSWORD)")
    parser.add_argument("--config", help="file of `key = value` lines: url, db, user, password")
    parser.add_argument("--maildir", help="write the mail into this folder instead of calling Odoo")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for Odoo (default 120)")
    args = parser.parse_args(argv)
    data = sys.stdin.buffer.read()
    if not data.strip():
        print("mailgate: empty message on stdin", file=sys.stderr)
        return EX_DATAERR
    if args.maildir:
        to_maildir(args.maildir, data)
        return EX_OK
    conf = settings(args)
    missing = [key for key in SETTINGS if not conf[key]]
    if missing:
        print("mailgate: missing setting(s): %s" % ", ".join(missing), file=sys.stderr)
        return EX_TEMPFAIL
    socket.setdefaulttimeout(args.timeout)
    try:
        to_odoo(conf, data)
    except xmlrpc.client.Fault as exc:
        if exc.faultCode == RPC_ACCESS_DENIED:
            # A wrong password is fixed by an administrator: keep the mail.
            print("mailgate: Odoo refused the credentials of %r" % conf["user"], file=sys.stderr)
            return EX_TEMPFAIL
        # Odoo ran and refused this mail: retrying will not help.
        print(
            "mailgate: Odoo refused the mail: %s" % exc.faultString.strip().splitlines()[-1:], file=sys.stderr
        )
        return EX_DATAERR
    except PermissionError as exc:
        print("mailgate: %s" % exc, file=sys.stderr)
        return EX_TEMPFAIL
    except (OSError, xmlrpc.client.ProtocolError) as exc:
        # Odoo down, restarting, or a proxy error: Postfix keeps the mail
        # in its queue and tries again.
        print("mailgate: Odoo unreachable at %s: %s" % (conf["url"], exc), file=sys.stderr)
        return EX_TEMPFAIL
    return EX_OK


if __name__ == "__main__":
    sys.exit(main())
