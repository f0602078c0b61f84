"""SQLite checkpoints in a background thread instead of in committing requests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from regionnav.store.engine import (
    WRITER_CHECKPOINT_PAGES,
    checkpoint_in_background,
    open_engine,
)

SQLITE_DEFAULT_AUTOCHECKPOINT = 1000


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine(f"sqlite:///{tmp_path}/store.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE filler (blob BLOB)"))
    yield engine
    engine.dispose()


def autocheckpoint(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


def test_connections_leave_most_checkpoints_to_the_thread(
    sqlite_file: Engine,
) -> None:
    checkpoint_in_background(sqlite_file, interval=60)

    assert autocheckpoint(sqlite_file) == WRITER_CHECKPOINT_PAGES


def test_dispose_gives_connections_sqlite_checkpoints_back(
    sqlite_file: Engine,
) -> None:
    checkpoint_in_background(sqlite_file, interval=60)
    sqlite_file.dispose()

    assert autocheckpoint(sqlite_file) == SQLITE_DEFAULT_AUTOCHECKPOINT


def test_engine_disposed_and_reused_gets_a_new_thread(sqlite_file: Engine) -> None:
    checkpoint_in_background(sqlite_file, interval=60)
    sqlite_file.dispose()
    checkpoint_in_background(sqlite_file, interval=60)

    assert autocheckpoint(sqlite_file) == WRITER_CHECKPOINT_PAGES


def test_thread_copies_committed_pages_into_the_database(
    sqlite_file: Engine, tmp_path: Path
) -> None:
    checkpoint_in_background(sqlite_file, interval=0.01)
    database = tmp_path / "store.db"
    before = database.stat().st_size
    with sqlite_file.begin() as connection:
        connection.execute(text("INSERT INTO filler VALUES (zeroblob(400000))"))

    # The pages sit in the WAL until the thread checkpoints them.
    assert _grows(database, before)


def test_thread_checkpoints_the_audit_trails_file_too(
    sqlite_file: Engine, tmp_path: Path
) -> None:
    checkpoint_in_background(sqlite_file, interval=0.01)
    trail_file = tmp_path / "store-audit.db"
    with sqlite_file.begin() as connection:
        connection.execute(text("CREATE TABLE audit.filler (blob BLOB)"))
    before = trail_file.stat().st_size
    with sqlite_file.begin() as connection:
        connection.execute(text("INSERT INTO audit.filler VALUES (zeroblob(400000))"))

    assert _grows(trail_file, before)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_memory_database_keeps_its_own_checkpoints(url: str) -> None:
    engine = open_engine(url)
    checkpoint_in_background(engine, interval=60)

    assert autocheckpoint(engine) == SQLITE_DEFAULT_AUTOCHECKPOINT
    engine.dispose()


def _grows(database: Path, size: int) -> bool:
    """Whether ``database`` grows beyond ``size`` bytes within 30 s."""
    deadline = time.monotonic() + 30
    while database.stat().st_size == size and time.monotonic() < deadline:
        time.sleep(0.01)
    return database.stat().st_size > size
