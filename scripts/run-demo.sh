#!/usr/bin/env bash
# Set up and run the app on SQLite with the bundled curriculum and sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=app:create_app
mkdir -p instance
# A stable secret for this checkout, so that cookies survive restarts.
[ -f instance/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key
export SECRET_KEY=${SECRET_KEY:-$(cat instance/secret_key)}
.venv/bin/flask db upgrade
.venv/bin/flask content load
.venv/bin/flask targets seed
.venv/bin/flask seed-demo
echo "Open http://localhost:${PORT:-5000}/ (poster and class links above)."
exec .venv/bin/flask run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
