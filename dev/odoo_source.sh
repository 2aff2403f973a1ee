#!/usr/bin/env bash
# Make sure Odoo 18.0's source is at $MDS_ODOO_SRC, say where it came from and
# at which commit, and record it in the cache for the next run (dev/env.sh
# resolves which source: $ODOO_SRC, the recorded one, or a clone of odoo/odoo).
set -euo pipefail
source "$(dirname "$0")/env.sh"
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
fail() {
  cat >&2 <<MSG
No Odoo 18.0 source: $1
Set ODOO_SRC to a checkout of Odoo 18.0 (the folder holding odoo-bin), or to a
git directory of it (checked out into $MDS_CACHE/src, at ODOO_COMMIT when set):
  git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo ~/odoo-18.0
  ODOO_SRC=~/odoo-18.0 make test
Later runs on this machine find it again without the variable.
MSG
  exit 1
}
commit_of() { git -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo "unknown (not a git checkout)"; }

case "$MDS_ODOO_ORIGIN" in
  ODOO_SRC)
    if [[ -n "$MDS_ODOO_GITDIR" ]]; then
      [[ -n "$MDS_ODOO_COMMIT" ]] || fail "ODOO_SRC=$ODOO_SRC is a git directory without commit ${ODOO_COMMIT:-HEAD}"
      if [[ ! -f "$MDS_ODOO_SRC/.complete" ]]; then
        log "checking out $MDS_ODOO_GITDIR at ${MDS_ODOO_COMMIT:0:12} into $MDS_ODOO_SRC (a minute, once)"
        rm -rf "$MDS_ODOO_SRC" "$MDS_ODOO_SRC.tmp"
        git clone -q --no-checkout "$MDS_ODOO_GITDIR" "$MDS_ODOO_SRC.tmp"
        git -C "$MDS_ODOO_SRC.tmp" -c advice.detachedHead=false checkout -q "$MDS_ODOO_COMMIT"
        mv "$MDS_ODOO_SRC.tmp" "$MDS_ODOO_SRC"
        touch "$MDS_ODOO_SRC/.complete"
      fi
      origin="\$ODOO_SRC, git directory $MDS_ODOO_GITDIR"
    else
      [[ -f "$MDS_ODOO_SRC/odoo-bin" ]] || fail "ODOO_SRC=$ODOO_SRC holds no odoo-bin and is no git directory"
      origin="\$ODOO_SRC"
    fi ;;
  recorded)
    origin="recorded by an earlier run in $MDS_ODOO_RECORD" ;;
  git)
    if [[ ! -f "$MDS_ODOO_SRC/.complete" ]]; then
      log "cloning odoo/odoo branch 18.0 (depth 1) into $MDS_ODOO_SRC"
      rm -rf "$MDS_ODOO_SRC"
      git clone -q --depth 1 --branch 18.0 https://github.com/odoo/odoo "$MDS_ODOO_SRC" \
        || { rm -rf "$MDS_ODOO_SRC"; fail "github.com/odoo/odoo could not be cloned, and no ODOO_SRC was set nor recorded"; }
      touch "$MDS_ODOO_SRC/.complete"
    fi
    origin="git clone of odoo/odoo 18.0" ;;
esac
[[ -f "$MDS_ODOO_SRC/odoo/release.py" ]] || fail "$MDS_ODOO_SRC is not an Odoo source tree"
grep -q "^version_info = (18, 0," "$MDS_ODOO_SRC/odoo/release.py" \
  || fail "$MDS_ODOO_SRC is not Odoo 18.0 ($(grep '^version_info' "$MDS_ODOO_SRC/odoo/release.py"))"
mkdir -p "$MDS_CACHE"
printf '%s\n' "$MDS_ODOO_SRC" > "$MDS_ODOO_RECORD"
log "Odoo 18.0 source: $origin -> $MDS_ODOO_SRC, commit $(commit_of "$MDS_ODOO_SRC")"
