"""Whether the codes a staff page prints would work: its public address is neither this machine
only nor another host than the one the page was opened at."""

from flask import request

from blueprints.admin import bp
from services.org import settings

LOCAL = "local"  # the address names this machine only: a phone cannot open it
ELSEWHERE = "elsewhere"  # the address is not where staff opened the page


@bp.app_template_global()
def public_address_problem() -> str | None:
    """LOCAL, ELSEWHERE or None (the printed codes lead where the staff page was opened)."""
    address = settings.commune_settings().public_address
    if settings.is_local(address):
        return LOCAL
    if not settings.same_host(address, request.host_url):
        return ELSEWHERE
    return None
