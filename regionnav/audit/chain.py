"""Appending to the chain: one writer per database in a process.

See the package text for the levels of serialisation. The writer remembers the
head it wrote last and chains onto it, so that records removed from the end
behind its back leave a gap ``verify`` names, instead of being papered over.
When it has to read the head from the database (at start, or after another
process appended), a head older than the one it wrote, or a different one, is
logged as an error.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

from regionnav.audit import lockfile
from regionnav.audit.entries import GENESIS, AuditEntry, chain_digest
from regionnav.audit.lockfile import FileLock
from regionnav.errors import AuditError
from regionnav.store.engine import is_sqlite_file

logger = logging.getLogger(__name__)

# How often a locked append is retried after a writer without the lock took
# its place, and how long a writer keeps locking once it met another one.
APPEND_ATTEMPTS = 10
SHARED_SECONDS = 60.0
# PostgreSQL advisory lock that serialises appends across processes.
LOCK_KEY = 0x5245_4749_4F4E  # "REGION"


class ChainWriter:
    """The appending end of one database's chain, shared in this process.

    Appends are combined: a thread that gets the write lock takes every entry
    queued by then (its own and those of the threads waiting behind it) and
    writes them in one transaction. The waiting threads then find their entries
    written and return. One commit thus serves many requests, which is what
    keeps a serialised chain cheap on a database whose commit waits for the
    disk.
    """

    def __init__(self, engine: Engine) -> None:
        # Weak, so that the registry below does not keep engines alive.
        self._engine = weakref.ref(engine)
        self._sql = _Sql(engine.dialect.name)
        self._across_processes = FileLock.beside(engine)
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._head: tuple[int, str] | None = None
        self._alarmed = 0
        self._locked_until = 0.0
        self._held: Any = None
        event.listen(engine, "engine_disposed", self._let_go)

    def append(self, entries: Sequence[AuditEntry]) -> None:
        mine = _Pending(entries)
        with self._queue_lock:
            self._queue.append(mine)
        with self._write_lock:
            if not mine.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._write_group(group)
        if mine.error is not None:
            raise AuditError(str(mine.error)) from mine.error
        if not mine.done:
            # Only a writer that took this entry off the queue marks it, and
            # every writer does before it lets go of the lock.
            raise AuditError("the audit trail cannot be written: entry lost")

    def open(self) -> None:
        """Make ready to append (the lock file, on SQLite): a server does so at
        start-up, to fail there rather than on its first request."""
        if self._across_processes is not None:
            self._across_processes.open()

    def _write_group(self, group: list[_Pending]) -> None:
        """Write ``group`` and mark each entry done, written or with its error."""
        # No request waits for the lock file longer than it allows, however
        # long it queued and whatever is tried again below.
        deadline = min(pending.since for pending in group) + lockfile.LOCK_WAIT_SECONDS
        try:
            entries = [entry for pending in group for entry in pending.entries]
            self._insert(entries, deadline)
        except AuditError as exc:
            if len(group) == 1:
                group[0].error = exc
            else:
                # Do not let one request's failure sink the others: each alone.
                for pending in group:
                    try:
                        self._insert(pending.entries, deadline)
                    except AuditError as single:
                        pending.error = single
        except Exception as exc:
            # Whatever went wrong, no entry of the group counts as written:
            # each request waiting on it fails instead of being answered.
            failed = _failed(exc)
            for pending in group:
                pending.error = failed
        finally:
            for pending in group:
                pending.done = True

    def _insert(self, entries: Sequence[AuditEntry], deadline: float) -> None:
        # The usual case: chain onto the head without reading it from the
        # database, one INSERT and nothing else. The head is the one this
        # writer wrote last or, on SQLite, the one the last writer of any
        # process left in the lock file. If the primary key refuses the number
        # (another process appended without our knowing, or the lock file is
        # behind), or the trail does not hold the lock file's head, then for a
        # while every append reads the head from the database, under its lock.
        known = self._head is not None or self._across_processes is not None
        if known and time.monotonic() >= self._locked_until:
            try:
                self._write(entries, deadline, locked=False)
                return
            except _WrongHeadError:
                self._locked_until = time.monotonic() + SHARED_SECONDS
        for _attempt in range(APPEND_ATTEMPTS):
            try:
                self._write(entries, deadline, locked=True)
                return
            except _WrongHeadError:
                # A writer that has not yet noticed us appended first.
                self._locked_until = time.monotonic() + SHARED_SECONDS
        raise AuditError(
            f"the audit trail cannot be written: {APPEND_ATTEMPTS} appends collided"
        )

    def _write(
        self, entries: Sequence[AuditEntry], deadline: float, locked: bool
    ) -> None:
        """One transaction, at driver level: this runs once per request.

        Raises :class:`_WrongHeadError` when the head chained onto is not the
        trail's last record and :class:`AuditError` for anything else.
        """
        engine = self._engine()
        if engine is None:
            raise AuditError("the audit trail's database is closed")
        dbapi = engine.dialect.loaded_dbapi
        lock = self._across_processes
        if lock is None:
            self._write_on(engine, dbapi, entries, locked, self._head)
            return
        with lock.held(deadline):
            # Unlocked, chain onto the head the last writer left in the file,
            # if the trail holds it; with none there, read the head from the
            # database.
            head = None if locked else lock.head()
            locked = locked or head is None
            self._write_on(engine, dbapi, entries, locked, head, in_trail=not locked)
            lock.keep(self._head)

    def _write_on(
        self,
        engine: Engine,
        dbapi: Any,
        entries: Sequence[AuditEntry],
        locked: bool,
        head: tuple[int, str] | None,
        *,
        in_trail: bool = False,
    ) -> None:
        """Write ``entries`` chained onto ``head``, or, ``locked``, onto the
        head read from the database under its lock.

        ``in_trail``: write only if the trail holds ``head`` (a head from the
        lock file, which may be left from another trail); checked in the
        first INSERT itself, so that the check and the write are one, and
        refused as a taken number is.
        """
        connection = self._connection(engine)
        kept = connection is self._held
        try:
            cursor = connection.cursor()
            for statement in self._sql.opening(locked, len(entries)):
                cursor.execute(*statement)
            onto = self._head_in(cursor) if locked else head or (0, GENESIS)
            rows, new_head = _chained(onto, entries, self._sql.moment)
            for statement in self._sql.inserts(rows, onto if in_trail else None):
                cursor.execute(*statement)
            cursor.close()
            connection.commit()
        except dbapi.IntegrityError as exc:
            _roll_back(connection, dbapi)
            raise _WrongHeadError from exc
        # Any other failure, the driver's or a value it cannot bind.
        except Exception as exc:
            # A connection that failed is not kept: the next append opens one.
            _roll_back(connection, dbapi)
            if kept:
                self._let_go()
            raise _failed(exc) from exc
        finally:
            if not kept:
                connection.close()
        self._head = new_head

    def _head_in(self, cursor: Any) -> tuple[int, str]:
        """The record to chain onto, read under the chain lock.

        Normally the last stored record. If the last record this process wrote
        has since vanished or changed, that is tampering: the error is logged
        and the chain continues from what this process wrote, so that
        ``verify`` keeps pointing at the damage instead of it being papered
        over.
        """
        cursor.execute(_HEAD)
        row = cursor.fetchone()
        stored = (0, GENESIS) if row is None else (int(row[0]), str(row[1]))
        mine = self._head
        if mine is None or stored == mine or stored[0] > mine[0]:
            return stored
        if mine[0] != self._alarmed:
            self._alarmed = mine[0]
            logger.error(
                "audit trail record %d changed or vanished since it was written; "
                "run 'regionnav audit verify'",
                mine[0],
            )
        return mine

    def _connection(self, engine: Engine) -> Any:
        """The connection an append is written on.

        SQLite: one kept from one append to the next. Appends take turns
        (the write lock), so one serves them all, and a checkout from the pool
        and its return (with the pool's rollback) cost more than SQLite's own
        insert. Detached from the pool, it is closed when let go, never handed
        to anyone else. A server database: a pooled one, which the pool checks
        before handing it out.
        """
        if self._held is not None:
            return self._held
        try:
            connection = engine.raw_connection()
        except SQLAlchemyError as exc:
            raise _failed(exc) from exc
        if is_sqlite_file(engine):
            connection.detach()
            self._held = connection
        return connection

    def _let_go(self, *_engine: object) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):
                held.close()


@dataclass(slots=True)
class _Pending:
    """One request's entries waiting for a writer."""

    entries: Sequence[AuditEntry]
    since: float = field(default_factory=time.monotonic)
    done: bool = False
    error: AuditError | None = None


class _WrongHeadError(Exception):
    """The head an append chained onto is not the trail's last record: its
    numbers are taken (another writer appended), or, from the lock file, it is
    not in the trail at all (a file left from another trail or a restore)."""


# The audit_trail table of regionnav.store.models, at driver level.
_INSERT = (
    "INSERT INTO audit.audit_trail (seq, at, consumer_id, contract, person_id, result, "
    "logical_address, correlation_id, digest) "
)
# The first row's digest, NULL unless the trail holds the head chained onto
# (SQLite): the column's NOT NULL then refuses the row.
_IF_HEAD = "(SELECT ? FROM audit.audit_trail WHERE seq = ? AND digest = ?))"
_HEAD = "SELECT seq, digest FROM audit.audit_trail ORDER BY seq DESC LIMIT 1"
# Rows per INSERT statement: 900 bound parameters, well within both drivers.
ROWS_PER_INSERT = 100


class _Sql:
    """The append's statements in the driver's own dialect.

    PostgreSQL: every append takes a transaction-scoped advisory lock, so that
    one that skips reading the head cannot slip in between another's read and
    insert (and starve it). SQLite has one write lock per database, which the
    INSERT takes anyway; an append that reads the head first takes it earlier,
    with a write that matches nothing. The usual SQLite append, unlocked and
    of at most :data:`ROWS_PER_INSERT` entries, is one INSERT and nothing else:
    the connection is in autocommit mode (:mod:`regionnav.store.engine`), so
    the statement is its own transaction, and every statement less is one
    less hand-over of the interpreter lock under load.
    """

    def __init__(self, dialect: str) -> None:
        self._postgresql = dialect == "postgresql"
        mark = "%s" if self._postgresql else "?"
        self._row = "(" + ", ".join([mark] * 9) + ")"
        self._inserts: dict[tuple[int, bool], str] = {}

    def opening(self, locked: bool, entries: int) -> list[tuple[Any, ...]]:
        """The statements that open an append of ``entries`` records."""
        if self._postgresql:
            return [("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))]
        if locked:
            return [("BEGIN",), ("UPDATE audit.audit_trail SET seq = seq WHERE 0 = 1",)]
        return [("BEGIN",)] if entries > ROWS_PER_INSERT else []

    def inserts(
        self, rows: list[tuple[Any, ...]], onto: tuple[int, str] | None = None
    ) -> list[tuple[str, list[Any]]]:
        """INSERT statements for ``rows``, :data:`ROWS_PER_INSERT` at a time.

        With ``onto`` (SQLite only), the first fails on the digest's NOT NULL
        unless the trail holds that record.
        """
        statements = []
        for start in range(0, len(rows), ROWS_PER_INSERT):
            chunk = rows[start : start + ROWS_PER_INSERT]
            values = [value for row in chunk for value in row]
            guarded = start == 0 and onto is not None
            if guarded:
                # The head's two values follow the first row's digest.
                values[len(chunk[0]) : len(chunk[0])] = onto or ()
            statements.append((self._insert(len(chunk), guarded), values))
        return statements

    def _insert(self, rows: int, guarded: bool) -> str:
        sql = self._inserts.get((rows, guarded))
        if sql is None:
            # Placeholders only: the values are bound.
            first = self._row[:-2] + _IF_HEAD if guarded else self._row
            sql = _INSERT + "VALUES " + ", ".join([first] + [self._row] * (rows - 1))
            self._inserts[rows, guarded] = sql
        return sql

    def moment(self, at: datetime) -> Any:
        # SQLite has no time type: the text SQLAlchemy itself stores and reads.
        return at if self._postgresql else at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _chained(
    head: tuple[int, str],
    entries: Sequence[AuditEntry],
    moment: Callable[[datetime], Any],
) -> tuple[list[tuple[Any, ...]], tuple[int, str]]:
    seq, digest = head
    at = datetime.now(UTC)
    stored_at = moment(at)
    rows = []
    for entry in entries:
        seq += 1
        fields = entry.fields()
        digest = chain_digest(digest, seq, at, fields)
        rows.append((seq, stored_at, *fields, digest))
    return rows, (seq, digest)


def _roll_back(connection: Any, dbapi: Any) -> None:
    try:
        connection.rollback()
    except dbapi.Error:
        connection.invalidate()


def _failed(exc: BaseException) -> AuditError:
    logger.error("audit trail write failed: %s", _name(exc))
    return AuditError(f"the audit trail cannot be written: {_name(exc)}")


_CHAINS: weakref.WeakKeyDictionary[Engine, ChainWriter] = weakref.WeakKeyDictionary()
_CHAINS_LOCK = threading.Lock()


def writer_for(engine: Engine) -> ChainWriter:
    with _CHAINS_LOCK:
        chain = _CHAINS.get(engine)
        if chain is None:
            chain = _CHAINS[engine] = ChainWriter(engine)
        return chain


def _name(exc: BaseException) -> str:
    # The class name only: database messages may repeat the bound parameters,
    # which include person ids.
    return type(exc).__name__
