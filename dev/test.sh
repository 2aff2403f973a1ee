#!/usr/bin/env bash
# make test: set up what is missing, run every check, end with one line
# "N passed, N failed" and a non-zero exit when anything failed. That line
# names every section a variable skipped or narrowed, e.g.
# "41 passed, 0 failed (narrowed: MDS_TEST_TAGS=...; skipped: browser, lint)";
# with MDS_REQUIRE_FULL=1 (.ci/run) such a variable is refused.
set -uo pipefail
source "$(dirname "$0")/env.sh"
bold() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

# The variables that shrink the run, while working on one thing.
narrowed=() skipped_sections=()
[[ -z "${MDS_TEST_TAGS:-}" ]] || narrowed+=("MDS_TEST_TAGS=$MDS_TEST_TAGS")
[[ -z "${MDS_BROWSER_REUSE:-}" ]] || narrowed+=("MDS_BROWSER_REUSE=$MDS_BROWSER_REUSE")
[[ -z "${PYTEST_ADDOPTS:-}" ]] || narrowed+=("PYTEST_ADDOPTS=$PYTEST_ADDOPTS")
[[ -z "${MDS_STACK_TEST_TAGS:-}" ]] || narrowed+=("MDS_STACK_TEST_TAGS=$MDS_STACK_TEST_TAGS")
[[ -z "${MDS_EXTRA_MODULES:-}" ]] || narrowed+=("MDS_EXTRA_MODULES=$MDS_EXTRA_MODULES")
[[ "${MDS_SKIP_BROWSER:-}" != 1 ]] || skipped_sections+=("browser (MDS_SKIP_BROWSER)")
[[ "${MDS_SKIP_KILL:-}" != 1 ]] || skipped_sections+=("killed worker (MDS_SKIP_KILL)")
[[ "${MDS_SKIP_LINT:-}" != 1 ]] || skipped_sections+=("lint (MDS_SKIP_LINT)")
if [[ "${MDS_REQUIRE_FULL:-}" == 1 ]]; then
  for var in MDS_TEST_TAGS MDS_STACK_TEST_TAGS MDS_EXTRA_MODULES MDS_BROWSER_REUSE PYTEST_ADDOPTS MDS_SKIP_BROWSER MDS_SKIP_KILL MDS_SKIP_LINT; do
    if [[ -n "${!var:-}" ]]; then
      echo "refused: $var is set ($var=${!var}); it shrinks the run, and this run must be whole (MDS_REQUIRE_FULL, .ci/run): unset it" >&2
      refused=1
    fi
  done
  [[ -z "${refused:-}" ]] || { echo "0 passed, 1 failed (refused: a variable shrinks the run)"; exit 1; }
fi
join() {  # join SEPARATOR ITEM...
  local sep=$1 out=$2 item
  shift 2
  for item in "$@"; do out+="$sep$item"; done
  printf '%s' "$out"
}
summary() {  # the last line: counts, then what was left out of the run
  local line="$passed passed, $failed failed" left=()
  [[ $skipped == 0 ]] || line="$line, $skipped skipped"
  (( ${#narrowed[@]} == 0 )) || left+=("narrowed: $(join ", " "${narrowed[@]}")")
  (( ${#skipped_sections[@]} == 0 )) || left+=("skipped: $(join ", " "${skipped_sections[@]}")")
  (( ${#left[@]} == 0 )) || line="$line ($(join "; " "${left[@]}"))"
  echo "$line"
}
counts() {  # counts WHAT N...: true when every N is a count
  local what=$1 value
  shift
  for value in "$@"; do
    [[ "$value" =~ ^[0-9]+$ ]] || { bold "FAIL $what: no counts (parser printed '$*')"; return 1; }
  done
}
no_traceback() {  # no_traceback LOG: false, and the tracebacks shown, when LOG has one
  local pattern="^Traceback |^[0-9-]+ [0-9:,]+ [0-9]+ CRITICAL "
  grep -q -E "$pattern" "$1" || return 0
  # Each one with the log line it belongs to, up to the next log line.
  awk -v pattern="$pattern" '
    /^[0-9-]+ [0-9:,]+ [0-9]+ / { shown = 0; previous = $0 }
    $0 ~ pattern { print (previous != "" && previous != $0 ? previous "\n" : "") $0; previous = ""; shown = 1; next }
    shown { print }
  ' "$1" | head -80 >&2
  return 1
}
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
# An earlier run's results must not stand in for this one's.
rm -rf "$ARTIFACTS/screenshots"
rm -f "$ARTIFACTS"/{odoo-tests.log,odoo-tests-defined.log,i18n-check.log,mail_document_send.pot,kill-test.log} \
  "$ARTIFACTS"/{browser-tests.xml,browser-tests.log,odoo-browser.log,lint.log,install-check.log,install-en.log,install-fr.log}

passed=0 failed=0 skipped=0
"$MDS_ROOT/dev/bootstrap.sh" --with-browser || { failed=1; summary; exit 1; }
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
template="$("$MDS_ROOT/dev/template_db.sh")" || { record "template database" 1; summary; exit 1; }
port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")"
test_database() {  # test_database DB: a fresh copy of the template
  "$MDS_ROOT/dev/clone_db.sh" "$template" "$1"
  # wkhtmltopdf fetches the report CSS from the running test server.
  psql -qd "$1" -c "DELETE FROM ir_config_parameter WHERE key IN ('report.url', 'web.base.url');
    INSERT INTO ir_config_parameter (key, value) VALUES
    ('report.url', 'http://127.0.0.1:$port'), ('web.base.url', 'http://127.0.0.1:$port');"
}
run_odoo_tests() {  # run_odoo_tests NAME DB MODULES TAGS LOG: counts added to the run's,
  # and this run's in r_ran and r_failed
  local name=$1 db=$2 modules=$3 tags=$4 log=$5 start status r_passed r_skipped
  bold "$name ($tags) on database $db (log: $log)"
  start=$(date +%s)
  # A bound, so that a test stuck on a lock fails the run instead of hanging it.
  timeout -k 60 "${MDS_ODOO_TEST_TIMEOUT:-1800}" "$MDS_ROOT/dev/odoo" -d "$db" -i "$modules" --test-enable \
    --test-tags="$tags" --stop-after-init --http-port="$port" --log-level=info --max-cron-threads=0 \
    > "$log" 2>&1
  status=$?
  [[ $status != 124 ]] || bold "$name stopped after ${MDS_ODOO_TEST_TIMEOUT:-1800}s (MDS_ODOO_TEST_TIMEOUT): a test is stuck"
  bold "$name took $(( $(date +%s) - start ))s"
  read -r r_passed r_failed r_skipped r_ran < <("$MDS_VENV/bin/python" "$MDS_ROOT/dev/odoo_test_log.py" "$log")
  counts "$name log (dev/odoo_test_log.py)" "${r_passed:-}" "${r_failed:-}" "${r_skipped:-}" "${r_ran:-}" \
    || r_passed=0 r_failed=1 r_skipped=0 r_ran=0
  if [[ $status != 0 && $r_failed == 0 ]]; then r_failed=1; fi
  grep -E " (ERROR|CRITICAL) " "$log" | head -50 >&2
  bold "$name: $r_ran run, $r_passed passed, $r_failed failed, $r_skipped skipped"
  passed=$((passed + r_passed)) failed=$((failed + r_failed)) skipped=$((skipped + r_skipped))
}
db="mds_test_$$"
test_database "$db"
# MDS_TEST_TAGS narrows the run while working on one thing, e.g.
# MDS_TEST_TAGS=/mail_document_send:TestSendQuotation MDS_SKIP_BROWSER=1 make test
test_tags="${MDS_TEST_TAGS:-/mail_document_send}"
run_odoo_tests "odoo tests" "$db" "mail_document_send${MDS_EXTRA_MODULES:+,$MDS_EXTRA_MODULES}" "$test_tags" \
  "$ARTIFACTS/odoo-tests.log"
t_ran=$r_ran t_failed=$r_failed

# Every test the addon defines for these tags ran: counted by Odoo's loader
# over every tests/test_*.py on disk, so that a test file whose import
# tests/__init__.py lost fails the run instead of vanishing from it.
MDS_RUN_TEST_TAGS="$test_tags" "$MDS_ROOT/dev/odoo_shell.sh" "$db" < "$MDS_ROOT/dev/odoo_tests_defined.py" \
  > "$ARTIFACTS/odoo-tests-defined.log" 2>&1
t_defined="$(sed -n 's/^mds-tests-defined \([0-9][0-9]*\)$/\1/p' "$ARTIFACTS/odoo-tests-defined.log" | tail -1)"
if ! counts "tests defined (dev/odoo_tests_defined.py, log: $ARTIFACTS/odoo-tests-defined.log)" "$t_defined"; then
  record "odoo tests defined counted" 1
elif [[ $t_defined != "$t_ran" ]]; then
  grep "^mds-test-file" "$ARTIFACTS/odoo-tests-defined.log" | grep -v " 0$" >&2
  record "odoo tests: $t_ran ran, $t_defined defined for $test_tags (a test file not imported by tests/__init__.py?)" 1
else
  record "odoo tests: all $t_defined defined for $test_tags ran" 0
fi

# 2b. The stacks: the outbox beside the mail addons people install with it
#     (OCA's mail_tracking and mail_composer_cc_bcc from their published
#     wheels, dev/oca_addons.sh; Odoo's mass_mailing): all three on one
#     database from the template, then each alone on its own (each extends
#     other hooks, and the engine decides hook by hook: outbox/hooks.py).
#     Each runs the outbox guarantees (classification, backoff and give-up,
#     claims, review flag, drain and follow-up, one mail per recipient,
#     journal, delivery state and activity, bounce, Odoo's test session) and
#     its stack tests (tag mds_stack: all of them together, a stack's own
#     alone). Skipped by a narrowed run (MDS_TEST_TAGS) unless
#     MDS_STACK_TEST_TAGS is set, which runs those tags on all three.
guarantees="TestMailRetry TestMailClaim TestMailDrain TestDeliveryState TestBounce TestBrokenConnection"
guarantees="$guarantees TestFailureLog TestOdooTestSession"
with_guarantees() {  # with_guarantees TAGS: TAGS and the guarantee classes'
  local tags=$1 cls
  for cls in $guarantees; do tags="$tags,/mail_document_send:$cls"; done
  echo "$tags"
}
stacks=()
if [[ -n "${MDS_STACK_TEST_TAGS:-}" ]]; then
  stacks=("mail_tracking,mail_composer_cc_bcc,mass_mailing|$MDS_STACK_TEST_TAGS")
elif [[ -z "${MDS_TEST_TAGS:-}" ]]; then
  stacks=(
    "mail_tracking,mail_composer_cc_bcc,mass_mailing|$(with_guarantees mds_stack/mail_document_send)"
    "mail_tracking|$(with_guarantees mds_stack/mail_document_send:TestStackMailTracking)"
    "mail_composer_cc_bcc|$(with_guarantees mds_stack/mail_document_send:TestStackCcBcc)"
    "mass_mailing|$(with_guarantees mds_stack/mail_document_send:TestStackMassMailing)"
  )
else
  skipped_sections+=("stacks (MDS_TEST_TAGS without MDS_STACK_TEST_TAGS)")
fi
for stack in ${stacks[@]+"${stacks[@]}"}; do
  stack_modules=${stack%%|*} stack_tags=${stack#*|}
  stack_db="mds_stack_$$" stack_log="$ARTIFACTS/stack-tests.log"
  if [[ $stack_modules != *,* ]]; then
    stack_db="mds_stack_${stack_modules}_$$" stack_log="$ARTIFACTS/stack-tests-$stack_modules.log"
  fi
  test_database "$stack_db"
  run_odoo_tests "stack tests beside $stack_modules" "$stack_db" "mail_document_send,$stack_modules" "$stack_tags" \
    "$stack_log"
  if [[ $r_failed == 0 ]]; then dropdb --if-exists "$stack_db"; rm -rf "$MDS_CACHE/data/filestore/$stack_db"; fi
done

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

# The install as a company does it: no demo data, English, then French
# (the test run above installed on the template with demo data and French).
bold "install check (log: $ARTIFACTS/install-check.log)"
"$MDS_ROOT/dev/install_check.sh" > "$ARTIFACTS/install-check.log" 2>&1
status=$?
grep "^install check" "$ARTIFACTS/install-check.log" >&2
record "no warning nor error at install (dev/install_check.sh)" $status

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
  counts "browser tests (log: $ARTIFACTS/browser-tests.log)" "${b_passed:-}" "${b_failed:-}" "${b_skipped:-}" \
    || b_passed=0 b_failed=1 b_skipped=0
  if [[ $browser_status != 0 && $b_failed == 0 ]]; then b_failed=1; fi
  passed=$((passed + b_passed)) failed=$((failed + b_failed)) skipped=$((skipped + b_skipped))
  # The Odoo server the browser tests talked to (tests/browser/conftest.py
  # logs it there): a traceback is a failure even when the page coped.
  if [[ -z "${MDS_BROWSER_REUSE:-}" ]]; then
    server_log="$ARTIFACTS/odoo-browser.log"
    if [[ ! -s "$server_log" ]]; then
      record "browser tests' Odoo server log ($server_log) written" 1
    else
      no_traceback "$server_log"
      record "browser tests' Odoo server: no traceback (log: $server_log)" $?
    fi
  fi
fi

if [[ -n "$lint_pid" ]]; then
  wait "$lint_pid"
  status=$?
  [[ $status == 0 ]] || cat "$ARTIFACTS/lint.log" >&2
  record "lint (ruff, pylint-odoo; log: $ARTIFACTS/lint.log)" $status
fi

summary
[[ $failed == 0 ]]
