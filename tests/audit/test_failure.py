"""A trail that cannot be written fails the call, and says nothing personal."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from regionnav.audit import AuditTrail, chain
from regionnav.errors import AuditError
from regionnav.store.engine import open_engine
from tests.audit.helpers import PEOPLE, entry

READ_ONLY = {
    "sqlite": ("PRAGMA query_only = ON",),
    "postgresql": ("SET default_transaction_read_only = on", "COMMIT"),
}


@pytest.fixture
def read_only(engine: Engine) -> Iterator[Engine]:
    """The same database, through connections that may not write."""
    readonly = open_engine(engine.url.render_as_string(hide_password=False))

    @event.listens_for(readonly, "connect")
    def _no_writes(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        for statement in READ_ONLY[engine.dialect.name]:
            cursor.execute(statement)
        cursor.close()

    yield readonly
    readonly.dispose()


def test_read_only_database_raises_audit_error(read_only: Engine) -> None:
    with pytest.raises(AuditError, match="cannot be written"):
        AuditTrail(read_only).record([entry()])


def test_dropped_table_raises_audit_error(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as connection:
        connection.execute(text("DROP TABLE audit.audit_trail"))

    with pytest.raises(AuditError, match="cannot be written"):
        AuditTrail(sqlite_engine).record([entry()])


def test_audit_failure_names_no_person(
    read_only: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(AuditError) as raised:
        AuditTrail(read_only).record([entry(PEOPLE[2])])

    assert PEOPLE[2] not in str(raised.value)
    assert caplog.records
    assert all(PEOPLE[2] not in record.getMessage() for record in caplog.records)


def test_failed_append_leaves_nothing_behind(engine: Engine, read_only: Engine) -> None:
    with pytest.raises(AuditError):
        AuditTrail(read_only).record([entry(), entry(PEOPLE[1])])

    assert AuditTrail(engine).verify().records == 0


def test_appends_go_on_once_the_trail_is_back(store: Engine) -> None:
    # The connection of a failed append is let go; the next opens a new one.
    trail = AuditTrail(store)
    trail.record([entry()])
    with store.begin() as connection:
        connection.execute(text("ALTER TABLE audit.audit_trail RENAME TO away"))
    with pytest.raises(AuditError):
        trail.record([entry(PEOPLE[1])])
    with store.begin() as connection:
        connection.execute(text("ALTER TABLE audit.away RENAME TO audit_trail"))

    trail.record([entry(PEOPLE[2])])

    result = trail.verify()
    assert (result.intact, result.records) == (True, 2)


def _fail_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next chaining fails as the driver never would (a bug, a value it
    cannot bind); the one after works."""
    chained = chain._chained

    def failing(*arguments: Any) -> Any:
        monkeypatch.setattr(chain, "_chained", chained)
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(chain, "_chained", failing)


def test_an_unforeseen_failure_fails_the_call_and_holds_no_lock(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trail = AuditTrail(sqlite_engine)
    trail.record([entry()])
    # No head in the lock file: the append locks the trail and reads it.
    Path(f"{sqlite_engine.url.database}-audit.lock").write_bytes(b"")
    _fail_once(monkeypatch)

    with pytest.raises(AuditError, match="OverflowError"):
        trail.record([entry(PEOPLE[1])])

    trail_file = Path(str(sqlite_engine.url.database)).with_name("regionnav-audit.db")
    outside = sqlite3.connect(trail_file, timeout=0)
    outside.execute("BEGIN IMMEDIATE")
    outside.rollback()
    outside.close()
    trail.record([entry(PEOPLE[2])])
    result = trail.verify()
    assert (result.intact, result.records) == (True, 2)


def test_an_unforeseen_failure_fails_every_request_of_the_group(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Requests waiting behind a writer are written by it, as one group: if
    # it fails, none of them may be answered as recorded.
    writer = chain.writer_for(sqlite_engine)
    group = [chain._Pending([entry()]), chain._Pending([entry(PEOPLE[1])])]

    def failing(*_arguments: object) -> None:
        raise RuntimeError("a failure the writer does not know")

    monkeypatch.setattr(writer, "_insert", failing)

    writer._write_group(group)

    assert all(pending.done and pending.error for pending in group)
    assert AuditTrail(sqlite_engine).verify().records == 0


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_dispose_closes_the_connection_appends_keep(sqlite_engine: Engine) -> None:
    trail_file = Path(str(sqlite_engine.url.database)).with_name("regionnav-audit.db")
    AuditTrail(sqlite_engine).record([entry()])
    assert _open(trail_file) > 0

    sqlite_engine.dispose()

    assert _open(trail_file) == 0


def _open(path: Path) -> int:
    """How many of this process's file descriptors are open on ``path``."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            count += fd.readlink() == path
    return count
