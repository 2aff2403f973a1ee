#!/usr/bin/env bash
# make bench: stock Odoo 18 and Odoo 18 + mail_document_send, side by side on
# the same machine and data (see docs/benchmark.rst). Options go to
# dev/bench.py: --quick (smoke run, about 2 min, bare stack only), --runs N,
# --mails 100,500, --invoices 50, --warm N, --parts composers,drain,batch
# (only those; no runners then), --stacks bare,mail_tracking,mass_mailing
# (the stacks the drain runs on, default all three: each has a stock database
# and an addon database with the stack's module installed on both), --keep
# (keep the databases), --profile (py-spy, from dev/requirements-profile.txt,
# on the largest bare drain of each side).
# Output: the table and the target checks, artifacts/bench/bench.json and
# bench.png. Exits 0 whatever the targets say (a measurement); non-zero only
# when the harness itself failed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bold() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
keep=0 profile=0 quick=0 stacks="" parts="composers,drain,batch" parts_given=0 args=() command="$*"
while (($#)); do
  case "$1" in
    --keep) keep=1 ;;
    --profile) profile=1 ;;
    --stacks) stacks="${2:-}"; shift ;;
    --stacks=*) stacks="${1#--stacks=}" ;;
    *)
      case "$1" in
        --quick) quick=1 ;;
        --parts) parts="${2:-}" parts_given=1 ;;
        --parts=*) parts="${1#--parts=}" parts_given=1 ;;
      esac
      args+=("$1") ;;
  esac
  shift
done
# dev/bench.py's defaults: every stack, the bare one alone with --quick.
if [[ -z $stacks ]]; then
  if [[ $quick == 1 ]]; then stacks=bare; else stacks=bare,mail_tracking,mass_mailing; fi
fi
# The stacks (dev/bench.py's STACKS): the modules installed on both sides.
declare -A stack_modules=([bare]="" [mail_tracking]=mail_tracking [mass_mailing]=mass_mailing)
IFS=, read -r -a wanted <<<"$stacks"
for stack in "${wanted[@]}"; do
  [[ -v "stack_modules[$stack]" ]] || { bold "bench: unknown stack $stack (bare, mail_tracking, mass_mailing)"; exit 2; }
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
# The bare databases measure the composers and the batch, and the drain when
# bare is one of the stacks; the other stacks measure the drain only.
bare=1 others=()
[[ ",$parts," == *,drain,* ]] || wanted=(bare)
if [[ " ${wanted[*]} " != *" bare "* ]]; then
  [[ ",$parts," == *,composers,* || ",$parts," == *,batch,* ]] || bare=0
fi
for stack in "${wanted[@]}"; do [[ $stack == bare ]] || others+=("$stack"); done
dbs=()
cleanup() {
  [[ $keep == 1 ]] && return
  for db in ${dbs[@]+"${dbs[@]}"}; do
    dropdb --if-exists "$db" 2>/dev/null || true
    rm -rf "$MDS_CACHE/data/filestore/$db"
  done
}
trap cleanup EXIT
# make_db DB MODULES LOG: a copy of the template, MODULES installed.
make_db() {
  dbs+=("$1")
  "$MDS_ROOT/dev/clone_db.sh" "$template" "$1"
  [[ -n $2 ]] || return 0
  "$MDS_ROOT/dev/odoo" -d "$1" -i "$2" --stop-after-init --log-level=warn \
    --max-cron-threads=0 --http-port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")" \
    > "$out/$3" 2>&1 || { tail -30 "$out/$3" >&2; exit 1; }
}
stack_args=()
if [[ $bare == 1 ]]; then
  stock="mds_bench_stock_$$" addon="mds_bench_addon_$$"
  bold "bench: databases $stock (stock 18) and $addon (+ mail_document_send), from $template"
  make_db "$stock" "" ""
  make_db "$addon" mail_document_send install.log
  stack_args+=(--stock-db "$stock" --addon-db "$addon")
fi
for stack in ${others[@]+"${others[@]}"}; do
  stock="mds_bench_stock_${stack}_$$" addon="mds_bench_addon_${stack}_$$"
  bold "bench: databases $stock (stock 18 + $stack) and $addon (+ $stack, mail_document_send), from $template"
  make_db "$stock" "${stack_modules[$stack]}" "install-$stack-stock.log"
  make_db "$addon" "${stack_modules[$stack]},mail_document_send" "install-$stack-addon.log"
  stack_args+=(--stack-db "$stack" "$stock" "$addon")
done
bold "bench: load before: $(uptime)"
export MDS_VENV
"$MDS_TOOLS_VENV/bin/python" "$MDS_ROOT/dev/bench.py" ${stack_args[@]+"${stack_args[@]}"} --stacks "$stacks" \
  --out "$out" --command "dev/bench.sh${command:+ $command}" ${args[@]+"${args[@]}"}
# Throughput with several queue runners (issue 18): not with --quick.
if [[ $quick == 0 && $parts_given == 0 ]]; then
  # On a database of its own: its checks read the whole journal.
  "$MDS_ROOT/dev/bench_runners.sh" --out "$out"
fi
bold "bench: load after: $(uptime)"
