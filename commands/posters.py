"""`flask posters …`: create posters, print them, download QR codes, show funnels."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

import database
from extensions import db
from models import Poster, Unit
from models.base import utcnow
from services import documents
from services.common.errors import InvalidInput
from services.org import audit, settings
from services.participation import posters
from services.participation.attempts import find_poster
from services.render.qr import qr_png, qr_svg
from services.reporting import funnel

posters_cli = AppGroup("posters", help="Printable QR posters (until the staff pages exist).")


def _fail(message: str):
    click.echo(message, err=True)
    sys.exit(1)


@posters_cli.command("create")
@click.option("--lesson", "lesson_slug", help="Lesson slug the poster leads to.")
@click.option("--quiz", "quiz_slug", help="Quiz slug the poster leads to.")
@click.option("--survey", "survey_slug", help="Survey slug the poster leads to.")
@click.option("--unit", "unit_id", type=int, help="Place the poster in this unit (id).")
@click.option("--location", default="", help='Where it hangs, e.g. "Nhà văn hóa, bảng tin".')
@click.option(
    "--every",
    "every_kind",
    type=click.Choice(posters.BATCH_KINDS),
    help="Make one poster per unit of this kind (each with its own code).",
)
def create_command(lesson_slug, quiz_slug, survey_slug, unit_id, every_kind, location):
    """Create a poster for one unit, or one per village/class/…"""
    given = {"lesson": lesson_slug, "quiz": quiz_slug, "survey": survey_slug}
    given = {kind: slug for kind, slug in given.items() if slug}
    if len(given) != 1:
        _fail("Give exactly one of --lesson, --quiz or --survey.")
    [(kind, slug)] = given.items()
    target = posters.find_target(slug, kind)
    if target is None:
        _fail(f"No such {kind}: {slug}")
    if bool(unit_id) == bool(every_kind):
        _fail("Give exactly one of --unit or --every.")
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            _fail(f"No unit with id {unit_id}.")
        units = [unit]
    else:
        units = Unit.query.filter_by(kind=every_kind).order_by(Unit.name).all()
        if not units:
            _fail(f"There is no unit of kind {every_kind}.")
    _only_where_seen(slug, target, units)
    try:
        created = posters.create_for_units(units, target, location)
    except InvalidInput:
        _fail(f"The location is longer than {posters.MAX_LOCATION} characters.")
    for poster in created:
        audit.record_command("poster_created", f"{kind}:{slug}", code=poster.code)
    database.commit()
    for poster in created:
        click.echo(f"{poster.code}\t{documents.poster_url(poster)}\t{poster.label}")


def _only_where_seen(slug: str, target, units: list[Unit]) -> None:
    """A teacher's class-only topic is placed only in its owner's classes (elsewhere the
    scanners would get 404) until an admin promotes it to the whole commune."""
    outside = [unit.name for unit in posters.units_outside_reach(target, units)]
    if outside:
        _fail(
            f"{slug} is a teacher's class-only topic: its posters go only in that teacher's "
            f"classes, not in {', '.join(outside)}. Promote it to the whole commune first "
            "(Đưa ra toàn xã, on its page under /staff/content/)."
        )


def _find(codes: tuple[str, ...]) -> list[Poster]:
    found = []
    for code in codes:
        poster = find_poster(code)
        if poster is None:
            _fail(f"No poster with code {code}.")
        found.append(poster)
    return found


@posters_cli.command("pdf")
@click.argument("codes", nargs=-1)
@click.option("--all", "all_posters", is_flag=True, help="Every poster.")
@click.option("--size", type=click.Choice(["A4", "A5"]), default="A4", show_default=True)
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True)
@click.option(
    "--allow-local",
    is_flag=True,
    help="Print even when the public address names this machine only (codes for a test).",
)
def pdf_command(codes, all_posters, size, out, allow_local):
    """Print posters (a page each) into one PDF."""
    address = settings.commune_settings().public_address
    if settings.is_local(address) and not allow_local:
        _fail(
            f"The public address is {address}: it names this machine only, so a phone that "
            "scans these posters cannot open them. Set the address phones can reach on the "
            "office settings page (/staff/admin/settings) or with BASE_URL, then print again; "
            "--allow-local prints anyway."
        )
    chosen = Poster.query.order_by(Poster.id).all() if all_posters else _find(codes)
    if not chosen:
        _fail("Name poster codes or use --all.")
    Path(out).write_bytes(documents.poster_pdf(chosen, size))
    click.echo(f"Wrote {len(chosen)} poster(s) to {out}.")


@posters_cli.command("retire")
@click.argument("code")
@click.option("--reason", required=True, help="Why it is taken out of use (shown to staff).")
def retire_command(code, reason):
    """Retire a poster: its link then says so and points to the lesson list."""
    (poster,) = _find((code,))
    try:
        posters.retire(poster, reason, utcnow())
    except InvalidInput as refused:
        _fail(f"Not retired: {refused}")
    audit.record_command("poster_retired", poster.label, code=poster.code, reason=reason)
    database.commit()
    click.echo(f"Retired {poster.code}.")


@posters_cli.command("qr")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["svg", "png"]), default="svg")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True)
def qr_command(code, fmt, out):
    """Save a poster's QR code as SVG or PNG."""
    (poster,) = _find((code,))
    url = documents.poster_url(poster)
    data = qr_svg(url).encode() if fmt == "svg" else qr_png(url)
    Path(out).write_bytes(data)
    click.echo(f"Wrote {out} for {url}.")


@posters_cli.command("funnel")
@click.argument("codes", nargs=-1)
def funnel_command(codes):
    """Scans → people → lesson → quiz started → finished → passed → survey answers, per poster."""
    chosen = _find(codes) if codes else Poster.query.order_by(Poster.id).all()
    click.echo("code\tscans\tpeople\tlesson\tstarted\tfinished\tpassed\tsurvey\tlabel")
    for poster in chosen:
        f = funnel.poster_funnel(poster)
        click.echo(
            f"{poster.code}\t{f.scans}\t{f.people}\t{f.lesson_opened}\t{f.quiz_started}\t"
            f"{f.finished}\t{f.passed}\t{f.survey_answers}\t{poster.label}"
        )
