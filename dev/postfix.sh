#!/usr/bin/env bash
# A private Postfix on loopback, the one tests/test_postfix_dsn.py runs
# (tests/postfix_harness.py): its own config and spool under DIR, no systemd,
# relaying to [127.0.0.1]:RELAY_PORT, mail for BOUNCE piped to dev/mailgate.py.
#
#   dev/postfix.sh install                    install Debian's postfix if missing
#   dev/postfix.sh start DIR RELAY_PORT [BOUNCE [MAILGATE ARGS...]]
#        e.g. dev/postfix.sh start /tmp/pf 2525 bounce@odoo.test \
#               --url http://127.0.0.1:8069 --db mds_demo --user admin --password admin
#        (without MAILGATE ARGS the gateway writes the mails into DIR/gateway)
#   dev/postfix.sh stop DIR
set -euo pipefail
source "$(dirname "$0")/env.sh"
exec "$MDS_VENV/bin/python" "$MDS_ROOT/tests/postfix_harness.py" "$@"
