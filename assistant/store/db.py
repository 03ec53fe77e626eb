"""Engines, the database URL and migrations (Alembic, with the scripts shipped as package data)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from assistant.config import Settings
from assistant.store.errors import DatabaseUnavailableError
from assistant.store.repository import Store
from vectorstore.errors import ConfigurationError

logger = logging.getLogger(__name__)

MIGRATIONS = "assistant.store:migrations"
SQLITE_NAME = "policyqa.sqlite3"


def database_url(settings: Settings) -> str:
    """`settings.database_url`, or a SQLite file beside the index directory."""
    if settings.database_url:
        return settings.database_url
    path = Path(settings.index_dir).resolve().parent / SQLITE_NAME
    return f"sqlite:///{path}"


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys, WAL and a busy timeout (several processes share it)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(f"invalid database URL: {exc}") from exc
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, future=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": 30}, future=True)
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def alembic_config() -> Config:
    """The Alembic configuration pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (concurrent start-ups serialise on a lock in env.py)."""
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailableError(f"cannot migrate the database: {_safe(exc)}") from exc


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest shipped revision."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def open_store(url: str, *, upgrade: bool = True) -> Store:
    """Open the store at `url`, applying pending migrations first unless `upgrade` is False."""
    engine = create_db_engine(url)
    if upgrade:
        migrate(engine)
    return Store(engine)


def _safe(exc: Exception) -> str:
    """The first line of a database error (driver messages may span lines; URLs never hold the password)."""
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
