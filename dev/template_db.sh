#!/usr/bin/env bash
# Make sure the cached template database exists: Odoo 18 with mail, sale_management
# and account (demo data included) and French, built once per Odoo build.
# Prints its name.
#   dev/template_db.sh                 the one tests, demo and bench start from
#   dev/template_db.sh --without-demo  no demo data, English only: a company
#                                      that starts from an empty database
set -euo pipefail
source "$(dirname "$0")/env.sh"
demo_args=() langs="$MDS_TEMPLATE_LANGS"
if [[ "${1:-}" == --without-demo ]]; then
  MDS_TEMPLATE_DB="$MDS_TEMPLATE_DB_BARE" demo_args=(--without-demo=all) langs=""
fi
exists() { [[ "$(psql -d postgres -tAc "select 1 from pg_database where datname='$1'")" == 1 ]]; }
# One build at a time: a second run waits for the first's template.
mkdir -p "$MDS_CACHE"
exec 8>"$MDS_CACHE/template.lock"
flock 8
odoo_shell() {
  "$MDS_ROOT/dev/odoo_shell.sh" "$1" >> "$MDS_CACHE/template-build.log" 2>&1 \
    || { tail -40 "$MDS_CACHE/template-build.log" >&2; return 1; }
}
if ! exists "$MDS_TEMPLATE_DB"; then
  building="${MDS_TEMPLATE_DB}_building"
  printf '\033[1m[setup]\033[0m building the template database %s (about 3 min, once)\n' "$MDS_TEMPLATE_DB" >&2
  dropdb --if-exists "$building"
  rm -rf "$MDS_CACHE/data/filestore/$building"
  "$MDS_ROOT/dev/odoo" -d "$building" -i "$MDS_MODULES_BASE" "${demo_args[@]}" --stop-after-init \
    --log-level=warn --http-port="$("$MDS_VENV/bin/python" "$MDS_ROOT/dev/free_port.py")" \
    > "$MDS_CACHE/template-build.log" 2>&1 \
    || { tail -40 "$MDS_CACHE/template-build.log" >&2; exit 1; }
  for lang in ${langs//,/ }; do
    MDS_LANG="$lang" odoo_shell "$building" < "$MDS_ROOT/dev/add_language.py"
  done
  odoo_shell "$building" < "$MDS_ROOT/dev/warm_report_assets.py"
  # Renamed only once complete, so an interrupted build is never used.
  psql -d postgres -qc "ALTER DATABASE \"$building\" RENAME TO \"$MDS_TEMPLATE_DB\""
  if [[ -d "$MDS_CACHE/data/filestore/$building" ]]; then
    mv "$MDS_CACHE/data/filestore/$building" "$MDS_CACHE/data/filestore/$MDS_TEMPLATE_DB"
  fi
fi
echo "$MDS_TEMPLATE_DB"
