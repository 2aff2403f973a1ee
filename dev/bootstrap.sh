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

find_python() {
  # Odoo 18 runs on 3.10-3.12: pyenv's 3.12 first (every requirement comes as
  # a wheel), then Debian's python3.11.
  local candidate
  for candidate in "${PYTHON:-}" "$(pyenv root 2>/dev/null)"/versions/3.12.*/bin/python python3.12 python3.11 \
      "$(pyenv root 2>/dev/null)"/versions/3.11.*/bin/python; do
    [[ -n "$candidate" ]] && command -v "$candidate" >/dev/null 2>&1 || continue
    "$candidate" -c 'import sys; assert (3, 10) <= sys.version_info[:2] <= (3, 12)' 2>/dev/null && { echo "$candidate"; return; }
  done
  return 1
}

mkdir -p "$MDS_CACHE"
"$MDS_ROOT/dev/odoo_source.sh"
if [[ ! -f "$MDS_VENV/.complete" ]]; then
  py="$(find_python)" || { echo "Odoo 18 needs Python 3.10 to 3.12: none found (pyenv versions, python3.12, python3.11, or set PYTHON=/path/to/python)" >&2; exit 1; }
  log "building the Odoo 18 virtualenv in $MDS_VENV with $("$py" --version) (about a minute, once)"
  rm -rf "$MDS_VENV"
  "$py" -m venv "$MDS_VENV"
  # python-ldap needs the LDAP headers (auth_ldap only); pypiwin32 and
  # rl-renderPM are Windows-only.
  grep -vE '^(python-ldap|pypiwin32|rl-renderPM)' "$MDS_ODOO_SRC/requirements.txt" > "$MDS_VENV/requirements-odoo18.txt"
  # cbor2 5.4.2 (Python 3.11) builds from an sdist that imports pkg_resources.
  echo 'setuptools<70' > "$MDS_VENV/constraints.txt"
  PIP_CONSTRAINT="$MDS_VENV/constraints.txt" "$MDS_VENV/bin/pip" install -q --disable-pip-version-check \
    -r "$MDS_VENV/requirements-odoo18.txt" -r "$MDS_ROOT/dev/requirements-odoo.txt"
  # Odoo looks for an executable named wkhtmltopdf on PATH.
  ln -sf wkhtmltopdf-pack "$MDS_VENV/bin/wkhtmltopdf"
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

"$MDS_ROOT/dev/oca_addons.sh" >/dev/null

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
