"""`flask seed-demo`: a sample commune with villages, a school, classes and posters."""

import click
from flask.cli import with_appcontext

import database
from blueprints.common.dates import local_today
from services.demo import seed_demo
from services.org import audit
from services.org.settings import public_url


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create sample data (marked "(mẫu)") so that there is something to click."""
    result = seed_demo(local_today().year)
    if result.created:
        audit.record_command("demo_seeded", None, rows=len(result.classes) + len(result.posters))
    database.commit()
    click.echo("Sample data created." if result.created else "Sample data already present.")
    for unit in result.classes:
        click.echo(f"  class  {public_url('/c/' + unit.join_code, unit.commune_id)}  {unit.name}")
    for poster in result.posters:
        click.echo(f"  poster {public_url('/p/' + poster.code, poster.commune_id)}  {poster.label}")
