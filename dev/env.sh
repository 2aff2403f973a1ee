# Paths shared by every dev/ script. Sourced, never run.
# Built things live in a cache outside the work tree so that a fresh clone
# (CI's, a second checkout) reuses them; each is keyed by the hash of what
# it was built from, so a changed pin rebuilds it.
MDS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MDS_CACHE="${MDS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mail_document_send}"
_mds_hash() { cat "$@" | sha256sum | cut -c1-12; }
MDS_ODOO_HASH="$(_mds_hash "$MDS_ROOT/dev/requirements-odoo.txt" "$MDS_ROOT/dev/requirements-odoo-wheels.txt" "$MDS_ROOT/dev/prune_addons.py")"
MDS_VENV="$MDS_CACHE/venv-odoo-$MDS_ODOO_HASH"
MDS_TOOLS_VENV="$MDS_CACHE/venv-tools-$(_mds_hash "$MDS_ROOT/dev/requirements-tools.txt")"
# The addons folder holds one link, named after the addon, to the work tree.
MDS_ADDONS="$MDS_CACHE/addons-$(printf %s "$MDS_ROOT" | sha256sum | cut -c1-12)"
MDS_MODULES_BASE="mail,sale_management,account_invoicing"
# French is loaded in the template, as in a French company's database: the
# browser tests click through the French interface.
MDS_TEMPLATE_LANGS="fr_FR"  # comma-separated
# The template database is keyed by the Odoo build, its modules and languages.
MDS_TEMPLATE_DB="mds_tmpl_$(printf %s "$MDS_ODOO_HASH$MDS_MODULES_BASE$MDS_TEMPLATE_LANGS-installed" | sha256sum | cut -c1-10)"
MDS_DEMO_DB="${MDS_DEMO_DB:-mds_demo}"
export NODE_PATH=/usr/share/nodejs
export PATH="$MDS_VENV/bin:$PATH"
