"""What a database holds: its tables' row counts and its Alembic revision."""

from sqlalchemy import Connection, inspect, text


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows per table (the default schema, Alembic's own table included), by table name."""
    quote = conn.dialect.identifier_preparer.quote
    # Table names come from the database's own catalogue, quoted as identifiers.
    return {
        name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()  # noqa: S608
        for name in sorted(inspect(conn).get_table_names())
    }


def revision(conn: Connection) -> str | None:
    """The schema's Alembic revision, or None for a database Alembic never touched."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
