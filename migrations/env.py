import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import event

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the app's own loggers (a test or a command running migrations must still log).
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    try:
        # this works with Flask-SQLAlchemy<3 and Alchemical
        return current_app.extensions["migrate"].db.get_engine()
    except (TypeError, AttributeError):
        # this works with Flask-SQLAlchemy>=3
        return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        with sqlite_foreign_keys_off(connection):
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                # One transaction per migration: a failed one leaves the revision before it.
                transaction_per_migration=True,
                # SQLite has transactional DDL; Alembic assumes not because of the old
                # pysqlite driver. The BEGIN is ours (see sqlite_foreign_keys_off).
                transactional_ddl=True if sqlite else None,
                on_version_apply=[check_foreign_keys] if sqlite else [],
                **conf_args,
            )
            with context.begin_transaction():
                context.run_migrations()


@contextmanager
def sqlite_foreign_keys_off(connection):
    """On SQLite, run the migrations with foreign keys off, each in a real transaction.

    A batch rebuild drops and re-creates a table; with foreign keys on, that DROP fails (or
    cascades) as soon as another table refers to its rows. The pragma only takes effect
    outside a transaction, so it is set on the raw connection before any BEGIN, and set back
    on before the connection returns to the app's pool (database.configure_engine turns it on
    for every new connection). The app's engine runs in autocommit and begins only on a
    write, so DDL would commit statement by statement: every transaction here starts with an
    explicit BEGIN IMMEDIATE, and DDL rolls back with the rest of its migration.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.dbapi_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    if raw.execute("PRAGMA foreign_keys").fetchone()[0] != 0:
        raise CommandError("SQLite foreign keys could not be turned off for the migration")
    event.listen(connection, "begin", begin_immediate)
    try:
        yield
    finally:
        event.remove(connection, "begin", begin_immediate)
        if connection.in_transaction():
            connection.rollback()
        raw.execute("PRAGMA foreign_keys=ON")
        if raw.execute("PRAGMA foreign_keys").fetchone()[0] != 1:
            connection.invalidate()  # never hand the app a connection without foreign keys


def begin_immediate(connection):
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def check_foreign_keys(ctx, step, heads, run_args):
    """Before a SQLite migration commits: no row may point at a missing parent."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = ", ".join(sorted({row[0] for row in broken}))
        raise CommandError(
            f"{step.up_revision_id}: {len(broken)} rows in {tables} point at missing rows; "
            "the migration was rolled back"
        )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
