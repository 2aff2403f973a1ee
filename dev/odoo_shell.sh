#!/usr/bin/env bash
# dev/odoo_shell.sh DB < script.py: run a script in `odoo shell` on DB and
# fail when it raised (odoo shell itself exits 0 whatever its script did).
# The output goes to stdout.
set -uo pipefail
out="$("$(dirname "$0")/odoo" shell -d "$1" --log-level=warn 2>&1)"
status=$?
printf '%s\n' "$out"
if [[ $status != 0 ]] || grep -q '^Traceback' <<< "$out"; then
  echo "dev/odoo_shell.sh: the script failed on database $1" >&2
  exit 1
fi
