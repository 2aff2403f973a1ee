#!/usr/bin/env bash
# make stress: 2,000 mails through a misbehaving SMTP server, the queue's
# worker SIGKILLed twice mid-batch; prints and checks what was delivered,
# failed, flagged, lost and duplicated (dev/stress.py --help). Loopback only.
# Arguments go to dev/stress.py (e.g. --quick, --mails 500, --seed 3).
set -euo pipefail
source "$(dirname "$0")/env.sh"
export MDS_CACHE
"$MDS_ROOT/dev/bootstrap.sh" >&2
"$MDS_ROOT/dev/template_db.sh" > /dev/null
exec "$MDS_VENV/bin/python" "$MDS_ROOT/dev/stress.py" "$@"
