#!/usr/bin/env bash
# dev/clone_db.sh SOURCE TARGET: copy a database and its filestore (without
# the filestore, attachments such as report assets go missing).
set -euo pipefail
source "$(dirname "$0")/env.sh"
src="$1" dst="$2"
dropdb --if-exists "$dst"
rm -rf "$MDS_CACHE/data/filestore/$dst"
createdb -T "$src" "$dst"
if [[ -d "$MDS_CACHE/data/filestore/$src" ]]; then
  mkdir -p "$MDS_CACHE/data/filestore"
  cp -a "$MDS_CACHE/data/filestore/$src" "$MDS_CACHE/data/filestore/$dst"
fi
