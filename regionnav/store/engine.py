"""Opening the store: SQLite in WAL mode by default, PostgreSQL in production."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from regionnav.errors import StoreError

logger = logging.getLogger(__name__)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)


def open_engine(url: str, echo: bool = False, pool_size: int = 20) -> Engine:
    """Create the engine for ``url``; creates the SQLite file's directory.

    Raises :class:`StoreError` for an unusable URL.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {exc}") from exc

    if parsed.get_backend_name() == "sqlite":
        return _open_sqlite(url, parsed.database, echo)
    try:
        return create_engine(
            url, echo=echo, pool_size=pool_size, max_overflow=10, pool_pre_ping=True
        )
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot open the database: {exc}") from exc


def _open_sqlite(url: str, database: str | None, echo: bool) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})

    # pysqlite opens transactions implicitly and late, which breaks SAVEPOINT
    # and lets a reader see two snapshots. Take over BEGIN ourselves (the
    # recipe from SQLAlchemy's SQLite dialect documentation).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def ping(engine: Engine) -> None:
    """Touch the database; raises :class:`StoreError` when it does not answer."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise StoreError(f"the store does not answer: {type(exc).__name__}") from exc
