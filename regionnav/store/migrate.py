"""Applying the Alembic migrations that live beside this module."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from regionnav.errors import StoreError
from regionnav.store.engine import audit_file, is_sqlite, open_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def require_current(engine: Engine) -> None:
    """Refuse a database that ``regionnav init`` has not brought up to date.

    Raises :class:`StoreError` saying what to do, instead of letting the first
    query fail on a missing table.
    """
    script = ScriptDirectory.from_config(alembic_config(engine))
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreError(f"the store cannot be opened: {type(exc).__name__}") from exc
    if current is None:
        raise StoreError("the store has no schema yet: run `regionnav init` first")
    if current != script.get_current_head():
        raise StoreError(
            f"the store's schema is at {current}, this version needs "
            f"{script.get_current_head()}: run `regionnav init` to migrate it"
        )
    if is_sqlite(engine) and not _has_audit_trail(engine):
        raise StoreError(
            f"the audit trail's file {audit_file(engine.url.database)} holds no "
            "trail: it belongs with the store and must be restored beside it"
        )


def _has_audit_trail(engine: Engine) -> bool:
    # Attaching makes an empty file where the trail's file is missing (a
    # restore of the store's file alone), so its table is what tells.
    query = text(
        "SELECT 1 FROM audit.sqlite_master "
        "WHERE type = 'table' AND name = 'audit_trail'"
    )
    try:
        with engine.connect() as connection:
            return connection.execute(query).first() is not None
    except SQLAlchemyError as exc:
        raise StoreError(f"the store cannot be opened: {type(exc).__name__}") from exc


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; raises :class:`StoreError` on failure."""
    try:
        command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise StoreError(f"migration failed: {type(exc).__name__}: {exc}") from exc


def open_store(url: str, pool_size: int = 20) -> Engine:
    """Open a store that ``regionnav init`` has set up; see :func:`open_engine`.

    Raises :class:`StoreError` when the URL is unusable, the database cannot
    be reached, or its schema is missing or out of date. A SQLite file that
    does not exist is not created.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {exc}") from exc
    database = parsed.database or ""
    on_disk = parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:")
    if on_disk and not Path(database).exists():
        raise StoreError(
            f"no store at {database}: run `regionnav init` first, or point "
            "REGIONNAV_CONFIG (or --config) at the hub's regionnav.toml"
        )
    engine = open_engine(url, pool_size=pool_size)
    require_current(engine)
    return engine
