#!/usr/bin/env bash
# make stress: 2,000 mails through a misbehaving SMTP server, the queue's
# worker SIGKILLed twice mid-batch; prints and checks what was delivered,
# failed, flagged, lost and duplicated (dev/stress.py --help). Loopback only.
# Twice: on the bare database, then with OCA's mail_tracking installed beside
# the addon (its send_email swallows the SMTP exception: the outcome must
# still be the server's). Exit status 1 if either run finds a violation.
# Arguments go to dev/stress.py (e.g. --quick, --mails 500, --seed 3); with
# --with, only that run (make stress STRESS_ARGS="--with mail_tracking").
set -euo pipefail
source "$(dirname "$0")/env.sh"
export MDS_CACHE
"$MDS_ROOT/dev/bootstrap.sh" >&2
"$MDS_ROOT/dev/template_db.sh" > /dev/null
for arg in "$@"; do
  if [[ $arg == --with || $arg == --with=* ]]; then
    exec "$MDS_VENV/bin/python" "$MDS_ROOT/dev/stress.py" "$@"
  fi
done
status=0
"$MDS_VENV/bin/python" "$MDS_ROOT/dev/stress.py" "$@" || status=1
echo
"$MDS_VENV/bin/python" "$MDS_ROOT/dev/stress.py" --with mail_tracking "$@" || status=1
exit $status
