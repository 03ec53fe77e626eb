"""Alembic environment: runs on the connection handed in by assistant.store.db.migrate (or a URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, text

from assistant.store.models import Base

# serialises concurrent `policyqa serve` start-ups on one PostgreSQL (any constant works)
PG_MIGRATION_LOCK = 0x706F6C71


def run_migrations(connection: Connection) -> None:
    """Configure the context on `connection` and run the pending migrations in one transaction."""
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Use the shared connection when given, else connect to the configured sqlalchemy.url."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own:
        run_migrations(own)


run_online()
