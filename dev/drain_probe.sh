#!/usr/bin/env bash
# The queue drain alone, stock 18 against the addon (dev/drain_probe.py):
# for working on the queue runner. Keeps its two databases (mds_probe_stock,
# mds_probe_addon) between runs; --fresh rebuilds them. Options: --mails N,
# --runs N, --profile (py-spy on the addon's drain).
set -euo pipefail
source "$(dirname "$0")/env.sh"
fresh=0 args=()
for arg in "$@"; do
  case "$arg" in
    --fresh) fresh=1 ;;
    --profile)
      [[ -x "$MDS_TOOLS_VENV/bin/py-spy" ]] || \
        "$MDS_TOOLS_VENV/bin/pip" install -q --disable-pip-version-check -r "$MDS_ROOT/dev/requirements-profile.txt"
      args+=(--profile "$MDS_TOOLS_VENV/bin/py-spy") ;;
    *) args+=("$arg") ;;
  esac
done
"$MDS_ROOT/dev/bootstrap.sh"
stock=mds_probe_stock addon=mds_probe_addon
if [[ $fresh == 1 ]] || ! psql -lqt | cut -d'|' -f1 | grep -qw "$addon"; then
  template="$("$MDS_ROOT/dev/template_db.sh")"
  for db in "$stock" "$addon"; do
    dropdb --if-exists "$db"; rm -rf "$MDS_CACHE/data/filestore/$db"
    "$MDS_ROOT/dev/clone_db.sh" "$template" "$db"
  done
  "$MDS_ROOT/dev/odoo" -d "$addon" -i mail_document_send --stop-after-init --log-level=warn \
    --max-cron-threads=0 --http-port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")"
  args+=(--prepare)
fi
export MDS_VENV
exec "$MDS_TOOLS_VENV/bin/python" "$MDS_ROOT/dev/drain_probe.py" --stock-db "$stock" --addon-db "$addon" ${args[@]+"${args[@]}"}
