"""How the app sits behind its reverse proxy and workers: which forwarded headers to believe,
and a warning when rate limits are counted per worker."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

PER_WORKER_STORAGE = ("", "memory://")


def configure_deployment(app: Flask) -> None:
    trust_forwarded_headers(app)
    warn_if_limits_are_per_worker(app)


def trust_forwarded_headers(app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT proxies, take the client's address, scheme and host from
    their X-Forwarded-* headers; with none (the default) those headers are ignored."""
    count = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def warn_if_limits_are_per_worker(app: Flask) -> None:
    """In-memory limit counters live in each worker: N workers allow N times the limit."""
    if app.debug or app.testing:
        return
    uri = (app.config.get("RATELIMIT_STORAGE_URI") or "").strip()
    if uri in PER_WORKER_STORAGE:
        app.logger.warning(
            "Rate limits are kept in memory (RATELIMIT_STORAGE_URI=%s): each worker counts "
            "on its own, so every limit is multiplied by the number of workers. Set "
            "RATELIMIT_STORAGE_URI to a shared store, e.g. redis://localhost:6379/0 "
            "(pip install 'limits[redis]') or memcached://localhost:11211 "
            "(pip install 'limits[memcached]').",
            uri or "unset",
        )
