#!/usr/bin/env bash
# Refresh the translation catalogs after changing user-facing strings: extract, merge, compile.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot \
  --no-location --omit-header --sort-output . >/dev/null
.venv/bin/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching >/dev/null
.venv/bin/pybabel compile -d translations -l en --statistics
