"""Gunicorn settings for Lan Tỏa behind a reverse proxy (see README, "Running in production").

    gunicorn -c deploy/gunicorn.conf.py

Every value can be changed through the environment named beside it.
"""

import multiprocessing
import os

import gunicorn.arbiter
import gunicorn.http.wsgi

wsgi_app = "app:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: requests are short and CPU-bound (pages, PDFs). Two per core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
# A PDF report or a content import may take a while; anything longer is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On stop or reload, a worker finishes its request within this time (systemd waits longer).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so a slow leak (WeasyPrint, fonts) never builds up; the jitter
# keeps them from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# Not preloaded: each worker builds its own app after the fork, so no database connection
# (or SQLite file handle) opened while building the app is ever shared between processes,
# and `systemctl reload` (HUP) picks up new code. The memory saved by preloading is small.
preload_app = False

# Forwarded headers (X-Forwarded-For/-Proto) are believed only from the proxy, and only when
# the app trusts a proxy at all (TRUSTED_PROXY_COUNT, the same setting the app reads).
_behind_proxy = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0) > 0
forwarded_allow_ips = (
    os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1") if _behind_proxy else ""
)

# Logs to stdout/stderr: systemd's journal keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# No server name or version in answers: gunicorn's `Server:` header and SERVER_SOFTWARE.
gunicorn.http.wsgi.SERVER = "lantoa"
gunicorn.http.wsgi.SERVER_SOFTWARE = "lantoa"
gunicorn.arbiter.SERVER_SOFTWARE = "lantoa"
