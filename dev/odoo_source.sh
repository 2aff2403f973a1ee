#!/usr/bin/env bash
# Make sure Odoo 18.0's source is at $MDS_ODOO_SRC and say where it came from:
# $ODOO_SRC when set, else ../shared/platform/odoo-18.0-*.tar.xz (sha256
# checked), else a shallow clone of odoo/odoo branch 18.0.
set -euo pipefail
source "$(dirname "$0")/env.sh"
log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
# The archive we measured (../shared/platform/README.md).
KNOWN_SHA256="b342a676d1f797df31a2af0ae3b574438531e9b3062936c871c8621c01c737bd"
case "$MDS_ODOO_ORIGIN" in
  ODOO_SRC)
    [[ -f "$MDS_ODOO_SRC/odoo-bin" ]] || { echo "ODOO_SRC=$ODOO_SRC holds no odoo-bin" >&2; exit 1; }
    log "Odoo 18.0 source: \$ODOO_SRC ($MDS_ODOO_SRC)" ;;
  archive)
    if [[ ! -f "$MDS_ODOO_SRC/.complete" ]]; then
      sum="$(sha256sum "$MDS_ODOO_ARCHIVE" | cut -d' ' -f1)"
      if [[ "$(basename "$MDS_ODOO_ARCHIVE")" == odoo-18.0-20250813-trimmed.tar.xz && "$sum" != "$KNOWN_SHA256" ]]; then
        echo "$MDS_ODOO_ARCHIVE: sha256 $sum, expected $KNOWN_SHA256: refusing a damaged archive" >&2
        exit 1
      fi
      log "unpacking $MDS_ODOO_ARCHIVE (sha256 $sum)"
      rm -rf "$MDS_ODOO_SRC" "$MDS_ODOO_SRC.tmp"
      mkdir -p "$MDS_ODOO_SRC.tmp"
      tar -xJf "$MDS_ODOO_ARCHIVE" -C "$MDS_ODOO_SRC.tmp" --strip-components=1
      mv "$MDS_ODOO_SRC.tmp" "$MDS_ODOO_SRC"
      touch "$MDS_ODOO_SRC/.complete"
    fi
    log "Odoo 18.0 source: archive $(basename "$MDS_ODOO_ARCHIVE") ($MDS_ODOO_SRC)" ;;
  git)
    if [[ ! -f "$MDS_ODOO_SRC/.complete" ]]; then
      log "cloning odoo/odoo branch 18.0 (depth 1) into $MDS_ODOO_SRC"
      rm -rf "$MDS_ODOO_SRC"
      git clone -q --depth 1 --branch 18.0 https://github.com/odoo/odoo "$MDS_ODOO_SRC"
      touch "$MDS_ODOO_SRC/.complete"
    fi
    log "Odoo 18.0 source: git clone of odoo/odoo 18.0 ($MDS_ODOO_SRC)" ;;
esac
