#!/usr/bin/env bash
# Copy the README's screenshots from the last browser test run
# (artifacts/screenshots, written by `make test`) to static/description/.
# Run it after a green `make test`, then commit static/description/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
shots="${MDS_ARTIFACTS:-$MDS_ROOT/artifacts}/screenshots"
target="$MDS_ROOT/static/description"
mkdir -p "$target"
# README name <- test step (test name and step, as the browser tests save
# them). The composer's two are still the 11.0 pictures: the send flow's
# browser tests on 18 bring them back (then add their lines here).
while read -r name pattern; do
  found=( "$shots"/$pattern )
  [[ -f "${found[0]}" ]] || { echo "missing: $shots/$pattern (run make test first)" >&2; exit 1; }
  cp "${found[0]}" "$target/$name.png"
  echo "static/description/$name.png <- ${found[0]##*/}"
done <<'LIST'
document_email_failed test_salesperson_sees_the_refused_email_on_the_document[[]invoice[]]-*-document-failed.png
emails_failed_filter test_administrator_retries_failed_mails_then_sends_them-*-failed-filter.png
failure_reason test_administrator_retries_failed_mails_then_sends_them-*-failure-reason.png
delivery_journal test_administrator_retries_failed_mails_then_sends_them-*-journal.png
LIST
