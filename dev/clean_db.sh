#!/usr/bin/env bash
# Drop every database of this project (template, demo, leftover test ones).
set -euo pipefail
source "$(dirname "$0")/env.sh"
for db in $(psql -d postgres -tAc "select datname from pg_database where datname like 'mds\_%'"); do
  dropdb "$db" && rm -rf "$MDS_CACHE/data/filestore/$db" && echo "dropped $db"
done
