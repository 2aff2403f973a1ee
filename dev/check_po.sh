#!/usr/bin/env bash
# check_po.sh POT PO: fail when a msgid of POT has no translation in PO, a
# fuzzy one, or one whose placeholders (%s, %(name)s) differ from the msgid.
set -uo pipefail
pot="$1" po="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# msgmerge keeps PO's translations of the msgids POT still has, adds POT's
# new msgids untranslated; no fuzzy matching, which would hide them.
msgmerge --quiet --no-fuzzy-matching -o "$tmp/merged.po" "$po" "$pot" || exit 1
# -c checks python-format placeholders and the header.
stats="$(LC_ALL=C msgfmt -c --statistics -o /dev/null "$tmp/merged.po" 2>&1)"
status=$?
echo "$(basename "$po"): $stats"
[[ $status == 0 ]] || exit 1
missing=0
for kind in untranslated only-fuzzy; do
  # msgattrib keeps the header entry: every other msgid is a problem.
  msgids="$(msgattrib --"$kind" --no-obsolete --no-wrap "$tmp/merged.po" | grep '^msgid ' | grep -v '^msgid ""$')"
  if [[ $kind == untranslated ]]; then
    # The same word in French: OCA's layout leaves its msgstr empty.
    msgids="$(grep -vxFf <(grep -v '^#' "$(dirname "$0")/fr_identical.txt" | sed 's/.*/msgid "&"/') <<< "$msgids")"
  fi
  if [[ -n "$msgids" ]]; then
    missing=1
    echo "${kind#only-} in $(basename "$po"):"
    printf '%s\n' "$msgids" | sed 's/^/  /'
  fi
done
exit $missing
