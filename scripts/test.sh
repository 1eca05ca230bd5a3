#!/usr/bin/env bash
# The whole test suite, as CI runs it: on SQLite, then on a real PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== tests on SQLite =="
.venv/bin/python -m pytest -q -p no:cacheprovider
pgdir=$(mktemp -d /tmp/lantoa-pg.XXXXXX)
trap 'bash scripts/pg-test-server.sh stop "$pgdir"' EXIT
eval "$(bash scripts/pg-test-server.sh start "$pgdir")"
echo "== tests on PostgreSQL ($TEST_DATABASE_URL), two workers =="
# pytest-xdist: each worker gets its own database, TEST_DATABASE_URL's name + _gw0, _gw1 (conftest).
.venv/bin/python -m pytest -q -p no:cacheprovider -n 2
