"""`flask indicators rebuild`: recompute the indicators' aggregate from the raw rows."""

import click
from flask.cli import AppGroup

import database
from services.common import periods
from services.org import audit
from services.tally import indicator_store

indicators_cli = AppGroup("indicators", help="The plan's indicators (reached, trained).")


@indicators_cli.command("rebuild")
@click.option("--period", "key", default=None, help="One named period: 2026-H1, 2026-H2, 2026.")
def rebuild_command(key):
    """Recount reached and trained people per unit for every named period (or one) from the
    visits and attempts: after changing which quizzes count as training, or after an upgrade."""
    if key is not None and periods.parse(key) is None:
        raise click.BadParameter("expected 2026-H1, 2026-H2 or 2026", param_hint="--period")
    rows = indicator_store.rebuild([key] if key else None)
    audit.record_command("indicators_rebuilt", key, rows=rows)
    database.commit()
    click.echo(f"Indicator rows written: {rows}.")
