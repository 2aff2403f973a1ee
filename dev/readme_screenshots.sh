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
# them).
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
document_email_bounced test_salesperson_sees_the_bounce_on_the_quotation-*-document-bounced.png
composer test_send_from_the_form[[]quotation-salesperson[]]-*-edited.png
composer_fr test_french_salesperson_sends_to_a_french_customer[[]quotation[]]-*-edited.png
composer_invoice test_send_from_the_form[[]invoice-salesperson[]]-*-edited.png
composer_fr_credit_note test_french_salesperson_sends_to_a_french_customer[[]credit_note[]]-*-edited.png
composer_check test_bad_addresses_are_named_in_one_message_and_nothing_is_sent[[]quotation[]]-*-one-message.png
composer_no_server test_composer_warns_when_no_outgoing_server_is_set_up-*-no-outgoing-server.png
composer_template test_saved_template_is_used_again_on_another_quotation-*-template-used.png
save_template_fr test_saved_template_carries_nothing_of_its_quotation[[]french-salesperson[]]-*-save-template-dialog.png
document_email_failed_fr test_french_salesperson_sees_the_refusal_in_french[[]quotation-admin[]]-*-document-failed-fr.png
LIST
