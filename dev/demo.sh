#!/usr/bin/env bash
# make demo: Odoo with the addon on a demo database, and a local mail
# catcher, ready to click. Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "$0")/env.sh"
HTTP_PORT="${MDS_DEMO_PORT:-8069}"
CATCHER_SMTP_PORT="${MDS_CATCHER_SMTP_PORT:-1025}"
CATCHER_HTTP_PORT="${MDS_CATCHER_HTTP_PORT:-1080}"
export MDS_ROOT MDS_CATCHER_SMTP_PORT="$CATCHER_SMTP_PORT" MDS_DEMO_URL="http://localhost:$HTTP_PORT"

"$MDS_ROOT/dev/bootstrap.sh"
template="$("$MDS_ROOT/dev/template_db.sh")"
# The catcher first: building the demo database sends mail to it.
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
# A demo on another database (MDS_DEMO_DB) keeps its mails apart.
mailbox="$MDS_CACHE/mailbox"
[[ "$MDS_DEMO_DB" == mds_demo ]] || mailbox="$MDS_CACHE/mailbox-$MDS_DEMO_DB"
"$MDS_VENV/bin/python" "$MDS_ROOT/dev/mail_catcher.py" --smtp-port "$CATCHER_SMTP_PORT" \
  --http-port "$CATCHER_HTTP_PORT" --dir "$mailbox" &
pids+=($!)
# The demo database is rebuilt when the script that fills it changes.
setup_hash="$(_mds_hash "$MDS_ROOT/dev/demo_setup.py")"
built_hash="$(psql -d "$MDS_DEMO_DB" -tAc "select value from ir_config_parameter
  where key = 'mail_document_send.demo_setup'" 2>/dev/null || true)"
if [[ "$built_hash" != "$setup_hash" ]]; then
  dropdb --if-exists "$MDS_DEMO_DB"
  rm -rf "$MDS_CACHE/data/filestore/$MDS_DEMO_DB"
fi
if [[ "$(psql -d postgres -tAc "select 1 from pg_database where datname='$MDS_DEMO_DB'")" != 1 ]]; then
  echo "[demo] creating the demo database $MDS_DEMO_DB" >&2
  "$MDS_ROOT/dev/clone_db.sh" "$template" "$MDS_DEMO_DB.new"
  "$MDS_ROOT/dev/odoo" -d "$MDS_DEMO_DB.new" -i mail_document_send --stop-after-init --log-level=warn
  psql -d postgres -qc "ALTER DATABASE \"$MDS_DEMO_DB.new\" RENAME TO \"$MDS_DEMO_DB\""
  mv "$MDS_CACHE/data/filestore/$MDS_DEMO_DB.new" "$MDS_CACHE/data/filestore/$MDS_DEMO_DB"
  fill_demo=1
else
  echo "[demo] updating the addon on $MDS_DEMO_DB" >&2
  "$MDS_ROOT/dev/odoo" -d "$MDS_DEMO_DB" -u mail_document_send --stop-after-init --log-level=warn
fi

cat <<MSG

  Odoo:          http://localhost:$HTTP_PORT   (database $MDS_DEMO_DB)
  Administrator: admin / admin       Salesperson: demo / demo
  Mail catcher:  http://localhost:$CATCHER_HTTP_PORT   (SMTP 127.0.0.1:$CATCHER_SMTP_PORT)

  Try: Sales > Quotations > open one > Send by email > Send; the mail and
  its PDF show up in the mail catcher.
  The database starts with one mail in each state, each sent for real
  through an SMTP server scripted to accept, defer or refuse it:
  - sent: the first draft quotation (badge "Email sent"; mail in the catcher);
  - waiting for its automatic retry: the second one, its customer's server
    answered 451 (badge "Email queued"); the queue delivers it to the
    catcher 5 minutes after the database was created ("Email sent" then);
  - failed for good: the first posted invoice, its customer's address
    refused with a 550: badge "Email failed" in red next to the customer, a
    note in the chatter and an activity for the salesperson (Sales > Orders
    or Invoicing > Customers > Invoices, filter "Email failed");
  - bounced: the third draft quotation, accepted, then refused by its
    customer's server, whose delivery status notification came back
    through the mail gateway's path: badge "Email bounced", a note and an
    activity (filter "Email bounced").
  Outbox: as admin, Settings > Activate the developer mode, then Settings >
  Technical > Email > Emails: filters Failed and Waiting for retry, the
  Failure Reason tab (reason, SMTP code), Retry / Retry and send now (also
  for several mails at once from the list). The document's Emails button
  and Technical > Email > Delivery journal list every attempt.
  Ctrl-C stops Odoo and the mail catcher.

MSG
"$MDS_ROOT/dev/odoo" -d "$MDS_DEMO_DB" --db-filter="^$MDS_DEMO_DB\$" --http-port="$HTTP_PORT" --log-level=info &
pids+=($!)
odoo_pid=$!
if [[ "${fill_demo:-}" == 1 ]]; then
  # With the server up: wkhtmltopdf loads the PDFs' CSS from it.
  for _ in $(seq 120); do curl -sf -o /dev/null "http://localhost:$HTTP_PORT/web/login" && break; sleep 0.5; done
  "$MDS_ROOT/dev/odoo_shell.sh" "$MDS_DEMO_DB" < "$MDS_ROOT/dev/demo_setup.py"
  psql -qd "$MDS_DEMO_DB" -c "INSERT INTO ir_config_parameter (key, value)
    VALUES ('mail_document_send.demo_setup', '$setup_hash')"
fi
wait "$odoo_pid"
