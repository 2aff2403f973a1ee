#!/usr/bin/env bash
# make test: set up what is missing, run every check, end with one line
# "N passed, N failed" and a non-zero exit when anything failed.
set -uo pipefail
source "$(dirname "$0")/env.sh"
bold() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
ARTIFACTS="${MDS_ARTIFACTS:-$MDS_ROOT/artifacts}"
mkdir -p "$ARTIFACTS"
# Two runs at once on one checkout must not write the same logs.
exec 9>"$ARTIFACTS/.lock"
if ! flock -n 9; then
  ARTIFACTS="$ARTIFACTS/run-$$"
  mkdir -p "$ARTIFACTS"
  bold "another run is logging to artifacts/: this one logs to $ARTIFACTS"
fi
export MDS_ARTIFACTS="$ARTIFACTS"

"$MDS_ROOT/dev/bootstrap.sh" --with-browser || { echo "0 passed, 1 failed"; exit 1; }
passed=0 failed=0 skipped=0
record() {  # record NAME STATUS: one check that is not a unit test
  if [[ "$2" == 0 ]]; then passed=$((passed + 1)); bold "PASS $1"; else failed=$((failed + 1)); bold "FAIL $1"; fi
}

# 1. Linters, in the Python 3.11 tools environment, while the tests run:
# they need no database, and the tests start sooner.
lint_pid=""
if [[ "${MDS_SKIP_LINT:-}" != 1 ]]; then
  "$MDS_ROOT/dev/lint.sh" > "$ARTIFACTS/lint.log" 2>&1 &
  lint_pid=$!
fi

# 2. The addon's Odoo tests, on a fresh copy of the template database.
template="$("$MDS_ROOT/dev/template_db.sh")" || { record "template database" 1; echo "$passed passed, $failed failed"; exit 1; }
db="mds_test_$$"
"$MDS_ROOT/dev/clone_db.sh" "$template" "$db"
port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")"
# wkhtmltopdf fetches the report CSS from the running test server.
psql -qd "$db" -c "DELETE FROM ir_config_parameter WHERE key IN ('report.url', 'web.base.url');
  INSERT INTO ir_config_parameter (key, value) VALUES
  ('report.url', 'http://127.0.0.1:$port'), ('web.base.url', 'http://127.0.0.1:$port');"
# MDS_TEST_TAGS narrows the run while working on one thing, e.g.
# MDS_TEST_TAGS=/mail_document_send:TestSendQuotation MDS_SKIP_BROWSER=1 make test
test_tags="${MDS_TEST_TAGS:-/mail_document_send}"
bold "odoo tests ($test_tags) on database $db (log: $ARTIFACTS/odoo-tests.log)"
start=$(date +%s)
# A bound, so that a test stuck on a lock fails the run instead of hanging it.
timeout -k 60 "${MDS_ODOO_TEST_TIMEOUT:-1800}" "$MDS_ROOT/dev/odoo" -d "$db" -i "mail_document_send${MDS_EXTRA_MODULES:+,$MDS_EXTRA_MODULES}" --test-enable \
  --test-tags="$test_tags" --stop-after-init --http-port="$port" --log-level=info --max-cron-threads=0 \
  > "$ARTIFACTS/odoo-tests.log" 2>&1
odoo_status=$?
[[ $odoo_status != 124 ]] || bold "odoo tests stopped after ${MDS_ODOO_TEST_TIMEOUT:-1800}s (MDS_ODOO_TEST_TIMEOUT): a test is stuck"
bold "odoo tests took $(( $(date +%s) - start ))s"
read -r t_passed t_failed t_skipped t_ran < <("$MDS_VENV/bin/python" "$MDS_ROOT/dev/odoo_test_log.py" "$ARTIFACTS/odoo-tests.log")
if [[ $odoo_status != 0 && $t_failed == 0 ]]; then t_failed=1; fi
grep -E " (ERROR|CRITICAL) " "$ARTIFACTS/odoo-tests.log" | head -50 >&2
bold "odoo tests: $t_ran run, $t_passed passed, $t_failed failed, $t_skipped skipped"
passed=$((passed + t_passed)) failed=$((failed + t_failed)) skipped=$((skipped + t_skipped))

# 2b. The stacks: the outbox beside the mail addons people install with it
#     (OCA's mail_tracking and mail_composer_cc_bcc from their published
#     wheels, dev/oca_addons.sh; Odoo's mass_mailing), all on one database
#     from the template: the stack tests (tag mds_stack) and the outbox
#     guarantees (classification, backoff and give-up, review flag, one mail
#     per recipient, journal, delivery state and activity, bounce, bulk
#     retry). Skipped by a narrowed run (MDS_TEST_TAGS) unless
#     MDS_STACK_TEST_TAGS is set.
stack_modules="mail_tracking,mail_composer_cc_bcc,mass_mailing"
stack_tags="${MDS_STACK_TEST_TAGS:-}"
if [[ -z "$stack_tags" && -z "${MDS_TEST_TAGS:-}" ]]; then
  stack_tags="mds_stack/mail_document_send"
  for cls in TestMailRetry TestDeliveryState TestBounce TestBrokenConnection TestFailureLog TestOdooTestSession; do
    stack_tags="$stack_tags,/mail_document_send:$cls"
  done
fi
if [[ -n "$stack_tags" ]]; then
  stack_db="mds_stack_$$"
  "$MDS_ROOT/dev/clone_db.sh" "$template" "$stack_db"
  psql -qd "$stack_db" -c "DELETE FROM ir_config_parameter WHERE key IN ('report.url', 'web.base.url');
    INSERT INTO ir_config_parameter (key, value) VALUES
    ('report.url', 'http://127.0.0.1:$port'), ('web.base.url', 'http://127.0.0.1:$port');"
  bold "odoo tests beside $stack_modules ($stack_tags) on database $stack_db (log: $ARTIFACTS/stack-tests.log)"
  start=$(date +%s)
  timeout -k 60 "${MDS_ODOO_TEST_TIMEOUT:-1800}" "$MDS_ROOT/dev/odoo" -d "$stack_db" \
    -i "mail_document_send,$stack_modules" --test-enable --test-tags="$stack_tags" --stop-after-init \
    --http-port="$port" --log-level=info --max-cron-threads=0 > "$ARTIFACTS/stack-tests.log" 2>&1
  stack_status=$?
  bold "stack tests took $(( $(date +%s) - start ))s"
  read -r s_passed s_failed s_skipped s_ran < <("$MDS_VENV/bin/python" "$MDS_ROOT/dev/odoo_test_log.py" "$ARTIFACTS/stack-tests.log")
  if [[ $stack_status != 0 && $s_failed == 0 ]]; then s_failed=1; fi
  grep -E " (ERROR|CRITICAL) " "$ARTIFACTS/stack-tests.log" | head -50 >&2
  bold "stack tests: $s_ran run, $s_passed passed, $s_failed failed, $s_skipped skipped"
  passed=$((passed + s_passed)) failed=$((failed + s_failed)) skipped=$((skipped + s_skipped))
  if [[ $s_failed == 0 ]]; then dropdb --if-exists "$stack_db"; rm -rf "$MDS_CACHE/data/filestore/$stack_db"; fi
fi

# French: every msgid the addon has now, exported from the test database
# before it is dropped, is translated in i18n/fr.po (no fuzzy, placeholders
# intact).
bold "French translation check (log: $ARTIFACTS/i18n-check.log)"
{ "$MDS_ROOT/dev/odoo" -d "$db" --i18n-export="$ARTIFACTS/mail_document_send.pot" --modules=mail_document_send \
    --stop-after-init --log-level=warn \
  && "$MDS_ROOT/dev/check_po.sh" "$ARTIFACTS/mail_document_send.pot" "$MDS_ROOT/i18n/fr.po"; } > "$ARTIFACTS/i18n-check.log" 2>&1
status=$?
[[ $status == 0 ]] || cat "$ARTIFACTS/i18n-check.log" >&2
record "French translation complete (i18n/fr.po; dev/i18n_export.sh to update)" $status

# 3. A worker killed mid-batch, for real: committed database, separate Odoo
#    processes, SIGKILL (dev/stress.py --quick; make stress is the long run).
if [[ -f "$MDS_ROOT/dev/stress.py" && "${MDS_SKIP_KILL:-}" != 1 ]]; then
  bold "killed worker: SIGKILL mid-flight in the queue (log: $ARTIFACTS/kill-test.log)"
  MDS_CACHE="$MDS_CACHE" "$MDS_VENV/bin/python" "$MDS_ROOT/dev/stress.py" --quick --from-db "$db" \
    > "$ARTIFACTS/kill-test.log" 2>&1
  kill_status=$?
  grep -E "^(delivered|flagged|lost|duplicates|duration|VIOLATION|stress:)" "$ARTIFACTS/kill-test.log" >&2
  record "killed worker: nothing lost, nothing sent twice unnoticed" $kill_status
fi

if [[ $t_failed == 0 ]]; then dropdb --if-exists "$db"; rm -rf "$MDS_CACHE/data/filestore/$db"; fi

# 4. The web client in a real browser (Playwright driving Debian's Chromium).
if [[ "${MDS_SKIP_BROWSER:-}" != 1 ]]; then
  bold "browser tests (log: $ARTIFACTS/browser-tests.log, screenshots: $ARTIFACTS/screenshots)"
  rm -rf "$ARTIFACTS/screenshots"
  (cd "$MDS_ROOT/tests/browser" && MDS_TEMPLATE_DB="$template" "$MDS_TOOLS_VENV/bin/pytest" -p no:cacheprovider \
    --rootdir . --junitxml="$ARTIFACTS/browser-tests.xml" -q . > "$ARTIFACTS/browser-tests.log" 2>&1)
  browser_status=$?
  tail -3 "$ARTIFACTS/browser-tests.log" >&2
  read -r b_passed b_failed b_skipped < <("$MDS_TOOLS_VENV/bin/python" - "$ARTIFACTS/browser-tests.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    total, failed = int(suite.get("tests")), int(suite.get("failures")) + int(suite.get("errors"))
    skipped = int(suite.get("skipped"))
    print(total - failed - skipped, failed + (0 if total else 1), skipped)
except (OSError, ET.ParseError):
    print(0, 1, 0)
PY
)
  if [[ $browser_status != 0 && $b_failed == 0 ]]; then b_failed=1; fi
  passed=$((passed + b_passed)) failed=$((failed + b_failed)) skipped=$((skipped + b_skipped))
fi

if [[ -n "$lint_pid" ]]; then
  wait "$lint_pid"
  status=$?
  [[ $status == 0 ]] || cat "$ARTIFACTS/lint.log" >&2
  record "lint (ruff, pylint-odoo; log: $ARTIFACTS/lint.log)" $status
fi

line="$passed passed, $failed failed"
[[ $skipped == 0 ]] || line="$line, $skipped skipped"
echo "$line"
[[ $failed == 0 ]]
