"""`flask create-admin` and `flask purge-expired`."""

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

import database
from models.base import utcnow
from models.staff import PROVINCE_ADMIN, PROVINCE_OFFICER
from services.common.errors import InvalidInput
from services.org import audit, passwords
from services.org import staff as staff_service
from services.participation import privacy

CLI_ROLES = ("admin", PROVINCE_ADMIN, PROVINCE_OFFICER)
DEFAULT_NAMES = {
    "admin": "Phòng Văn hóa - Xã hội",
    PROVINCE_ADMIN: "Sở Khoa học và Công nghệ",
    PROVINCE_OFFICER: "Sở Khoa học và Công nghệ",
}


@click.command("create-admin")
@with_appcontext
@click.argument("username")
@click.option(
    "--name",
    "display_name",
    default=None,
    help="Shown in the app. Default: Phòng Văn hóa - Xã hội, or Sở Khoa học và Công nghệ.",
)
@click.option("--generate", is_flag=True, help="Generate a password and print it once.")
@click.option(
    "--role",
    type=click.Choice(CLI_ROLES),
    default="admin",
    show_default=True,
    help="admin: a commune's office; province_admin / province_officer: the province office"
    " (Sở KH&CN), above every commune (province_officer reads only).",
)
def create_admin_command(username, display_name, generate, role):
    """Create an admin account (or a province office account with --role). There is no
    default password: type one or --generate."""
    if generate:
        password = passwords.generate_password()
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = staff_service.create_staff(
            username, display_name or DEFAULT_NAMES[role], password, role
        )
    except InvalidInput as exc:
        click.echo(f"Cannot create the account: {exc}", err=True)
        sys.exit(1)
    audit.record(None, "staff_created", user.username, "cli", role=role)
    database.commit()
    click.echo(f"{'Admin' if role == 'admin' else role} {user.username} created.")
    if generate:
        click.echo(f"Password (shown once): {password}")


@click.command("purge-expired")
@with_appcontext
@click.option("--days", type=int, help="Override RETENTION_DAYS.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def purge_expired_command(days, yes):
    """Delete participation data older than the retention period (default 3 years)."""
    days = days if days is not None else current_app.config["RETENTION_DAYS"]
    cutoff = utcnow() - dt.timedelta(days=days)
    if not yes and not click.confirm(
        f"Delete participation data recorded before {cutoff:%Y-%m-%d}?"
    ):
        sys.exit(1)
    counts = privacy.purge_expired(cutoff)
    audit.record(None, "purge_expired", f"before {cutoff:%Y-%m-%d}", "cli", **counts)
    database.commit()
    click.echo("Deleted: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
