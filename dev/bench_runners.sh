#!/usr/bin/env bash
# The queue drained by 1, 2 and 4 Odoo processes at once against an SMTP
# server answering at a fixed pace (dev/bench_runners.py --help). Loopback
# only. Arguments go to dev/bench_runners.py (e.g. --mails 100 --runners 1,2).
set -euo pipefail
source "$(dirname "$0")/env.sh"
export MDS_CACHE
"$MDS_ROOT/dev/bootstrap.sh" >&2
"$MDS_ROOT/dev/template_db.sh" > /dev/null
# The tools' Python: matplotlib for the chart (the runners are Odoo's own).
exec "$MDS_TOOLS_VENV/bin/python" "$MDS_ROOT/dev/bench_runners.py" "$@"
