"""`flask settings …`: show or change the office settings (what the settings page edits)."""

import sys

import click
from flask.cli import AppGroup

import database
from services.common.errors import InvalidInput
from services.org import audit, settings

settings_cli = AppGroup(
    "settings", help="Office settings: public address, commune, signers, official channels."
)


@settings_cli.command("show")
def show_command():
    """Every office setting, as saved or by default."""
    for name, value in settings.editable_values().items():
        click.echo(f"{name}\t{value}")


@settings_cli.command("set")
@click.argument("name", type=click.Choice(sorted(settings.EDITABLE)))
@click.argument("value")
def set_command(name, value):
    """Change one setting, e.g. `flask settings set public_address http://192.168.1.20:5000`."""
    try:
        changed = settings.save({**settings.editable_values(), name: value})
    except InvalidInput as exc:
        click.echo(f"Not saved: {exc} (refused).", err=True)
        sys.exit(1)
    if changed:
        audit.record_command("settings_changed", name, **changed)
    database.commit()
    click.echo(f"{name} = {value}" if changed else f"{name} unchanged.")
