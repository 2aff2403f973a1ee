#!/usr/bin/env bash
# Linters the best Odoo projects run: ruff (flake8's rules and more),
# pylint with the pylint-odoo plugin for Odoo 18.0, and OCA's pre-commit
# checks of the module (manifest, XML, translations).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MDS_ROOT"
"$MDS_TOOLS_VENV/bin/ruff" check --quiet .
# The README and docs/ are checked with the docutils Odoo renders README.rst with.
"$MDS_VENV/bin/python" dev/build_readme.py --check
# pylint-odoo knows an addon by its folder name, and pylint resolves links:
# lint a copy of the tracked files under the addon's own name.
# One copy per checkout (the addons link's key): two checkouts linting at once must not
# delete each other's files.
copy="$MDS_CACHE/lint-$(basename "$MDS_ADDONS")/mail_document_send"
rm -rf "$copy" && mkdir -p "$copy"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$copy"
# Odoo is not importable from the tools environment: its imports cannot resolve.
"$MDS_TOOLS_VENV/bin/pylint" --rcfile="$MDS_ROOT/.pylintrc" --disable=import-error,no-member,no-name-in-module "$copy"
"$MDS_TOOLS_VENV/bin/oca-checks-odoo-module" "$copy"
"$MDS_TOOLS_VENV/bin/oca-checks-po" "$copy"/i18n/*.po "$copy"/i18n/*.pot
