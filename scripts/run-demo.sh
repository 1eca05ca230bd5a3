#!/usr/bin/env bash
# Set up and run the app on SQLite with the bundled curriculum and sample data, reachable from
# phones on the same network: it listens on every interface and prints (and prints on posters)
# the machine's network address, so that a scanned QR code opens on a phone.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export FLASK_APP=app:create_app
mkdir -p instance
# A stable secret for this checkout, so that cookies survive restarts.
[ -f instance/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key
export SECRET_KEY=${SECRET_KEY:-$(cat instance/secret_key)}
# The sample certificates' signer (a real commune names its own on the settings page).
export CERTIFICATE_SIGNER_NAME=${CERTIFICATE_SIGNER_NAME:-"Nguyễn Văn Mẫu (mẫu)"}
PORT=${PORT:-5000}
HOST=${HOST:-0.0.0.0}

# This machine's address on the local network: the interface a packet to the outside would
# leave by (a UDP "connect" sends nothing), else the first of `hostname -I`.
lan_address() {
    .venv/bin/python - <<'PY' || true
import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    sock.connect(("192.0.2.1", 9))
    address = sock.getsockname()[0]
except OSError:
    address = ""
finally:
    sock.close()
print("" if address.startswith("127.") or address == "0.0.0.0" else address)
PY
}
why_local=""
if [ -n "${BASE_URL:-}" ]; then
    public=$BASE_URL
elif [ "$HOST" != "0.0.0.0" ]; then
    public="http://localhost:$PORT"
    why_local="HOST=$HOST listens on this machine only, so phones cannot reach it."
else
    ip=$(lan_address)
    [ -n "$ip" ] || ip=$( (hostname -I 2>/dev/null || true) | tr ' ' '\n' | grep -v -e '^127\.' -e ':' -e '^$' | head -n 1 || true)
    if [ -n "$ip" ]; then
        public="http://$ip:$PORT"
    else
        public="http://localhost:$PORT"
        why_local="this machine has no network address (no network connection), so phones cannot reach it."
    fi
fi

.venv/bin/flask db upgrade
.venv/bin/flask content load
.venv/bin/flask targets seed
# Every QR code and printed link (posters, class codes, certificates) starts with this address.
.venv/bin/flask settings set public_address "$public"
.venv/bin/flask seed-demo
echo
if [ -n "$why_local" ]; then
    echo "The links above use localhost: $why_local They open only in a browser on this machine."
else
    echo "The links above and the printed posters use $public: a phone on the same network (Wi-Fi) opens them."
fi
echo "Open $public/ here or on a phone (staff pages: $public/staff/). Listening on $HOST:$PORT."
exec .venv/bin/flask run --host "$HOST" --port "$PORT"
