"""`flask targets seed`: the commune plan's targets as data."""

import click
from flask.cli import AppGroup

import database
from extensions import db
from models import Course, Target
from services.org import audit
from services.reporting.targets import seed_plan_targets

targets_cli = AppGroup("targets", help="The plan's indicator targets.")


@targets_cli.command("seed")
def seed_command():
    """Add the plan's targets (2025, 2028–2030) that are not there yet; edits are kept."""
    added = seed_plan_targets()
    if added:
        audit.record_command("targets_seeded", None, rows=added)
    database.commit()
    click.echo(f"Targets added: {added}.")


@targets_cli.command("course")
@click.argument("target_id", type=int)
@click.argument("slugs", nargs=-1)
def course_command(target_id, slugs):
    """Name the courses whose completion (every quiz passed) a "trained" target counts; no
    course ids: the target names none again."""
    target = db.session.get(Target, target_id)
    if target is None or target.indicator != "trained":
        raise click.ClickException(f"no trained target with id {target_id}")
    found = {c.slug: c.id for c in Course.query.filter(Course.slug.in_(slugs))} if slugs else {}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise click.ClickException(f"no course with id {', '.join(unknown)}")
    target.course_ids = sorted(set(found.values()))
    database.commit()
    click.echo(f"Target {target_id} counts the courses: {', '.join(slugs) or 'none'}.")
