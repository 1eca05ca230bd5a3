"""`flask` CLI commands: content, demo data, posters, certificates, backups, settings and the
background jobs worker (schema: `flask db upgrade`)."""

from flask import Flask

from commands.backup import backup_cli
from commands.certificates import certificates_cli
from commands.communes import communes_cli
from commands.content import content_cli
from commands.content_files import export_command, import_command
from commands.demo import seed_demo_command
from commands.indicators import indicators_cli
from commands.jobs import jobs_cli
from commands.posters import posters_cli
from commands.settings import settings_cli
from commands.staff import create_admin_command, purge_expired_command
from commands.targets import targets_cli


def register_commands(app: Flask) -> None:
    content_cli.add_command(import_command)
    content_cli.add_command(export_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(posters_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(purge_expired_command)
    app.cli.add_command(targets_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(settings_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(indicators_cli)
    app.cli.add_command(communes_cli)
