#!/usr/bin/env bash
# dev/install_check.sh: install the addon the way a company does, on a
# database without demo data, in English, then add French as an
# administrator does (Settings > Translations); fail on any ERROR, or on any
# WARNING that names the addon, its models or its fields, in either log
# (dev/odoo_test_log.py --install). The test run of `make test` checks the
# same on the template with demo data and French.
set -euo pipefail
source "$(dirname "$0")/env.sh"
logs="${MDS_ARTIFACTS:-$MDS_ROOT/artifacts}"
mkdir -p "$logs"
template="$("$MDS_ROOT/dev/template_db.sh" --without-demo)"
db="mds_install_$$"
trap 'dropdb --if-exists "$db"; rm -rf "$MDS_CACHE/data/filestore/$db"' EXIT
"$MDS_ROOT/dev/clone_db.sh" "$template" "$db"
status=0
check() {  # check NAME LOG
  local counts
  counts="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/odoo_test_log.py" --install "$2")"
  if [[ "$(cut -d' ' -f2 <<< "$counts")" == 0 ]]; then echo "install check, $1: clean"; else echo "install check, $1: FAILED (log: $2)"; status=1; fi
}
"$MDS_ROOT/dev/odoo" -d "$db" -i mail_document_send --stop-after-init --log-level=info \
  --http-port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")" > "$logs/install-en.log" 2>&1 || status=1
check "without demo data, English" "$logs/install-en.log"
MDS_LANG=fr_FR "$MDS_ROOT/dev/odoo" shell -d "$db" --log-level=info --no-http < "$MDS_ROOT/dev/add_language.py" \
  > "$logs/install-fr.log" 2>&1 || status=1
! grep -q '^Traceback' "$logs/install-fr.log" || status=1
check "French added afterwards" "$logs/install-fr.log"
exit $status
