"""`flask targets seed`: the commune plan's targets as data."""

import click
from flask.cli import AppGroup

import database
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
