#!/usr/bin/env bash
# make bench: stock Odoo 18 and Odoo 18 + mail_document_send, side by side on
# the same machine and data (see docs/benchmark.rst). Options go to
# dev/bench.py: --quick (smoke run, about 2 min), --runs N, --mails 100,500,
# --invoices 50, --warm N, --parts composers,drain,batch (only those; no
# runners then), --keep (keep the two databases), --profile (py-spy, from
# dev/requirements-profile.txt, on the largest drain of each side).
# Output: the table and the target checks, artifacts/bench/bench.json and
# bench.png. Exits 0 whatever the targets say (a measurement); non-zero only
# when the harness itself failed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bold() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
keep=0 profile=0 args=()
for arg in "$@"; do
  case "$arg" in
    --keep) keep=1 ;;
    --profile) profile=1 ;;
    *) args+=("$arg") ;;
  esac
done
"$MDS_ROOT/dev/bootstrap.sh"
if [[ $profile == 1 ]]; then
  # The profiler is not part of make test's set-up: installed on demand. No
  # profiler is no reason to lose the measurements: said, and run without.
  if [[ ! -x "$MDS_TOOLS_VENV/bin/py-spy" ]]; then
    "$MDS_TOOLS_VENV/bin/pip" install -q --disable-pip-version-check -r "$MDS_ROOT/dev/requirements-profile.txt" \
      || bold "bench: py-spy could not be installed: no profile"
  fi
  if [[ -x "$MDS_TOOLS_VENV/bin/py-spy" ]]; then
    args+=(--profile "$MDS_TOOLS_VENV/bin/py-spy")
  fi
fi
template="$("$MDS_ROOT/dev/template_db.sh")"
out="${MDS_ARTIFACTS:-$MDS_ROOT/artifacts}/bench"
mkdir -p "$out"
stock="mds_bench_stock_$$" addon="mds_bench_addon_$$"
cleanup() {
  [[ $keep == 1 ]] && return
  for db in "$stock" "$addon"; do
    dropdb --if-exists "$db" 2>/dev/null || true
    rm -rf "$MDS_CACHE/data/filestore/$db"
  done
}
trap cleanup EXIT
bold "bench: databases $stock (stock 18) and $addon (+ mail_document_send), from $template"
"$MDS_ROOT/dev/clone_db.sh" "$template" "$stock"
"$MDS_ROOT/dev/clone_db.sh" "$template" "$addon"
"$MDS_ROOT/dev/odoo" -d "$addon" -i mail_document_send --stop-after-init --log-level=warn \
  --max-cron-threads=0 --http-port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")" \
  > "$out/install.log" 2>&1 || { tail -30 "$out/install.log" >&2; exit 1; }
bold "bench: load before: $(uptime)"
export MDS_VENV
"$MDS_TOOLS_VENV/bin/python" "$MDS_ROOT/dev/bench.py" --stock-db "$stock" --addon-db "$addon" \
  --out "$out" --command "dev/bench.sh${*:+ $*}" ${args[@]+"${args[@]}"}
# Throughput with several queue runners (issue 18): not with --quick.
if [[ " $* " != *" --quick "* && " $* " != *" --parts"* ]]; then
  # On a database of its own: its checks read the whole journal.
  "$MDS_ROOT/dev/bench_runners.sh" --out "$out"
fi
bold "bench: load after: $(uptime)"
