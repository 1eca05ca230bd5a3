"""`flask` CLI commands: content, demo data (database setup is `flask db upgrade`)."""

from flask import Flask

from commands.content import content_cli
from commands.demo import seed_demo_command


def register_commands(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(seed_demo_command)
