#!/usr/bin/env bash
# Odoo 18's own tests of the flows this addon changes, on a fresh database,
# with or without the addon: dev/stock_tests.sh [--with-addon]
# Prints Odoo's summary line and lists the failing tests in
# artifacts/stock-tests-{stock,addon}.failed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
ARTIFACTS="${MDS_ARTIFACTS:-$MDS_ROOT/artifacts}"
mkdir -p "$ARTIFACTS"
modules="sale_management,account" side=stock
if [[ "${1:-}" == --with-addon ]]; then modules="$modules,mail_document_send" side=addon; fi
TAGS="${MDS_STOCK_TEST_TAGS:-/mail,/sale,/sale_management,/account:TestAccountMoveSend,/account:TestAccountComposerPerformance}"
"$MDS_ROOT/dev/bootstrap.sh"
db="mds_stock_${side}_$$"
log="$ARTIFACTS/stock-tests-$side.log"
dropdb --if-exists "$db"
start=$(date +%s)
# at_install tests run as each module is installed, post_install ones at the end.
"$MDS_ROOT/dev/odoo" -d "$db" -i "$modules" --test-enable --test-tags="$TAGS" --stop-after-init \
  --http-port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")" --max-cron-threads=0 --log-level=info \
  > "$log" 2>&1 || true
echo "$side: $(( $(date +%s) - start ))s, $(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -1)"
# Subtests too (TestAccountComposerPerformance fails in subtests only).
grep -oE "(FAIL|ERROR): (Subtest )?[A-Za-z0-9_]+\.[A-Za-z0-9_]+" "$log" | sed 's/Subtest //' | sort -u > "$ARTIFACTS/stock-tests-$side.failed" || true
echo "failing tests: $ARTIFACTS/stock-tests-$side.failed ($(wc -l < "$ARTIFACTS/stock-tests-$side.failed"))"
dropdb --if-exists "$db"
rm -rf "$MDS_CACHE/data/filestore/$db"
