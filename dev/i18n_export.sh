#!/usr/bin/env bash
# Regenerate i18n/mail_document_send.pot from the code and views, and merge
# it into i18n/fr.po (msgmerge keeps existing translations).
set -euo pipefail
source "$(dirname "$0")/env.sh"
template="$("$MDS_ROOT/dev/template_db.sh")"
db="mds_i18n_$$"
"$MDS_ROOT/dev/clone_db.sh" "$template" "$db"
trap 'dropdb --if-exists "$db"; rm -rf "$MDS_CACHE/data/filestore/$db"' EXIT
"$MDS_ROOT/dev/odoo" -d "$db" -i mail_document_send --stop-after-init --log-level=warn
mkdir -p "$MDS_ROOT/i18n"
# A file name ending in .pot makes Odoo export the template, without translations.
"$MDS_ROOT/dev/odoo" -d "$db" --i18n-export="$MDS_ROOT/i18n/mail_document_send.pot" \
  --modules=mail_document_send --stop-after-init --log-level=warn
if [[ -f "$MDS_ROOT/i18n/fr.po" ]]; then
  msgmerge --quiet --update --backup=none --no-fuzzy-matching "$MDS_ROOT/i18n/fr.po" "$MDS_ROOT/i18n/mail_document_send.pot"
  # A msgid gone from the code is gone from fr.po too, not kept commented out.
  msgattrib --no-obsolete -o "$MDS_ROOT/i18n/fr.po" "$MDS_ROOT/i18n/fr.po"
else
  cp "$MDS_ROOT/i18n/mail_document_send.pot" "$MDS_ROOT/i18n/fr.po"
fi
# In the layout OCA's po checker wants (make lint runs it).
"$MDS_TOOLS_VENV/bin/oca-checks-po" --fix "$MDS_ROOT"/i18n/*.po "$MDS_ROOT"/i18n/*.pot > /dev/null || true
