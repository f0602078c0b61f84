"""The audit trail in a schema of its own; on SQLite, a file beside the store.

Why (regionnav.store.engine): on SQLite an import's long transaction holds the
store's one write lock, which the lookups' audit appends would otherwise wait
for, and every append would empty the page caches of the other processes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import DateTime, Engine, bindparam, create_engine, text
from sqlalchemy.engine import make_url

from regionnav.audit import AuditTrail, chain_digest
from regionnav.audit.entries import GENESIS
from regionnav.errors import StoreError
from regionnav.store.engine import audit_file, open_engine
from regionnav.store.migrate import open_store, upgrade
from tests.audit.helpers import PEOPLE, entry
from tests.conftest import POSTGRES_URL

# An append waits for the audit file's lock, never for the store's.
APPEND_SECONDS = 2.0


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own, to migrate step by step."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/regionnav.db"
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"regionnav_schema_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_trail_written_before_the_move_is_moved_whole(blank_url: str) -> None:
    old = open_engine(blank_url)
    upgrade(old, "0004")
    with old.begin() as connection:
        connection.execute(_OLD_INSERT, _OLD_ROWS)
    old.dispose()

    store = open_engine(blank_url)
    upgrade(store)
    trail = AuditTrail(store)
    trail.record([entry(PEOPLE[2])])

    result = trail.verify()
    assert (result.intact, result.records) == (True, 3)
    assert [e.person_id for e in trail.person(PEOPLE[1])] == [PEOPLE[1]]
    store.dispose()


def test_a_moved_trail_can_be_moved_back(blank_url: str) -> None:
    store = open_engine(blank_url)
    upgrade(store)
    AuditTrail(store).record([entry(PEOPLE[0]), entry(PEOPLE[1])])

    upgrade_down(store, "0004")
    with store.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM audit_trail"))
        assert rows.scalar_one() == 2
    upgrade(store)
    assert AuditTrail(store).verify().records == 2
    store.dispose()


def test_a_trail_moved_with_its_old_table_left_behind_moves_back(
    blank_url: str,
) -> None:
    # On SQLite the old table stays as audit_trail_moved; its index names are
    # the ones the moved-back table needs.
    old = open_engine(blank_url)
    upgrade(old, "0004")
    with old.begin() as connection:
        connection.execute(_OLD_INSERT, _OLD_ROWS)
    upgrade(old)
    AuditTrail(old).record([entry(PEOPLE[2])])

    upgrade_down(old, "0004")
    with old.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM audit_trail"))
        assert rows.scalar_one() == 3
    upgrade(old)
    result = AuditTrail(old).verify()
    assert (result.intact, result.records) == (True, 3)
    old.dispose()


def test_an_old_table_holding_records_the_trail_lacks_is_not_dropped(
    sqlite_engine: Engine,
) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    upgrade_down(sqlite_engine, "0004")
    with sqlite_engine.begin() as connection:
        connection.execute(_OLD_INSERT, _OLD_ROWS)
    upgrade(sqlite_engine)
    with sqlite_engine.begin() as connection:
        connection.execute(text("DELETE FROM audit.audit_trail WHERE seq = 2"))
    sqlite_engine.dispose()

    store = open_engine(url)
    with pytest.raises(RuntimeError, match="1 records the audit trail does not"):
        upgrade_down(store, "0004")
    with store.connect() as connection:
        moved = connection.execute(text("SELECT count(*) FROM audit_trail_moved"))
        assert moved.scalar_one() == 2
    store.dispose()


def upgrade_down(engine: Engine, revision: str) -> None:
    from alembic import command

    from regionnav.store.migrate import alembic_config

    command.downgrade(alembic_config(engine), revision)


def test_on_sqlite_the_trail_is_a_file_beside_the_store(sqlite_engine: Engine) -> None:
    AuditTrail(sqlite_engine).record([entry()])

    database = Path(str(sqlite_engine.url.database))
    trail_file = database.with_name("regionnav-audit.db")
    assert audit_file(str(database)) == str(trail_file)
    with sqlite3.connect(trail_file) as own:
        assert own.execute("SELECT person_id FROM audit_trail").fetchall() == [
            (PEOPLE[0],)
        ]
    with sqlite3.connect(database) as store:
        tables = store.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert "audit_trail" not in {name for (name,) in tables}


def test_appends_go_on_while_an_import_holds_the_store(sqlite_engine: Engine) -> None:
    trail = AuditTrail(sqlite_engine)
    trail.record([entry()])
    # An import's transaction: the store's write lock, held for a while.
    holder = sqlite3.connect(str(sqlite_engine.url.database), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM deliveries")
    release = threading.Timer(5.0, holder.rollback)
    release.start()
    try:
        began = time.monotonic()
        trail.record([entry(PEOPLE[1])])
        took = time.monotonic() - began
    finally:
        release.cancel()
        holder.rollback()
        holder.close()

    assert took < APPEND_SECONDS
    assert trail.verify().records == 2


def test_a_store_without_its_trail_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/regionnav.db"
    store = open_engine(url)
    upgrade(store)
    store.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp_path}/regionnav-audit.db{suffix}").unlink(missing_ok=True)

    with pytest.raises(StoreError, match=r"regionnav-audit\.db holds no trail"):
        open_store(url)


def _old_rows() -> list[dict[str, object]]:
    """Two records chained as the code before the move wrote them."""
    at = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    rows: list[dict[str, object]] = []
    digest = GENESIS
    for seq, person in enumerate(PEOPLE[:2], start=1):
        written = entry(person)
        digest = chain_digest(digest, seq, at, written.fields())
        rows.append({"seq": seq, "at": at, "consumer": written.consumer_id,
                     "person": person, "digest": digest})  # fmt: skip
    return rows


_OLD_INSERT = text(
    "INSERT INTO audit_trail (seq, at, consumer_id, contract, person_id, result, "
    "logical_address, correlation_id, digest) VALUES (:seq, :at, :consumer, "
    "'persons', :person, 'found', 'SE2321000230-RNAV', 'c0ffee', :digest)"
).bindparams(bindparam("at", type_=DateTime(timezone=True)))
_OLD_ROWS = _old_rows()
