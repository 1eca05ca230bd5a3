"""Wrong guesses (unknown codes, wrong list numbers) counted per key in the rate limiter's
store: only misses are counted, so people who get it right are never held up."""

from flask import current_app
from limits import parse_many

from extensions import limiter


def _limits(setting: str):
    return parse_many(current_app.config[setting])


def allowed(setting: str, scope: str, key: str) -> bool:
    """Whether another guess for `key` is still allowed by the limits in `setting`."""
    if not limiter.enabled:
        return True
    return all(limiter.limiter.test(item, scope, key) for item in _limits(setting))


def missed(setting: str, scope: str, key: str) -> bool:
    """Count a wrong guess; False when it went over the limit."""
    if not limiter.enabled:
        return True
    return all([limiter.limiter.hit(item, scope, key) for item in _limits(setting)])
