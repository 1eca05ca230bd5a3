"""Verification views: public, no login, rate-limited."""

from flask import current_app, redirect, render_template, request, url_for

from blueprints.certificates import bp
from blueprints.common import tenant
from extensions import limiter
from services.common.vietnamese import local_date, masked_name, table_date
from services.org import settings
from services.participation import certificates


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


@bp.get("/v")
@limiter.limit(_verify_limit)
def lookup():
    """A form to type a code read from a paper certificate."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("certificates.verify", code=code[:40]))
    return render_template("certificates/lookup.html")


@bp.get("/v/<code>")
@limiter.limit(_verify_limit)
def verify(code: str):
    """Valid, revoked, replaced (by a re-issue, with the new serial and a link) or unknown; a
    minor's name is shown masked."""
    normalized = certificates.normalize_code(code)
    if normalized is None:
        return render_template("certificates/verify.html", status="malformed", code=code[:40]), 400
    found = certificates.find_by_code(normalized)
    if found is None:
        return render_template("certificates/verify.html", status="unknown", code=normalized), 404
    # The page speaks for the commune that issued the certificate, whoever opens it.
    settings.use_commune(found.commune_id)
    tenant.enter_commune_of(found)  # its holder and replacement are of its commune
    tz = current_app.config["TIMEZONE"]
    holder = masked_name(found.holder_name) if found.holder_is_minor else found.holder_name
    return render_template(
        "certificates/verify.html",
        status=found.status,
        certificate=found,
        holder=holder,
        code=certificates.format_code(found.verification_code),
        issued=table_date(local_date(found.issued_at, tz)),
        revoked=table_date(local_date(found.revoked_at, tz)) if found.revoked_at else None,
    )
