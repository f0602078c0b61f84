"""Appending to the chain: one writer per database in a process.

See the package text for the three levels of serialisation. The writer
remembers the head it wrote last, which makes it a witness: if that record has
changed or vanished when it appends again, it logs an error and chains onto
what it wrote regardless.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from regionnav.audit.entries import GENESIS, AuditEntry, chain_digest
from regionnav.errors import AuditError
from regionnav.store.models import AuditRecord

logger = logging.getLogger(__name__)

# How often an append is retried after a writer without the chain lock took its place.
APPEND_ATTEMPTS = 5
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
        self._engine = engine
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_Pending] = []
        self._head: tuple[int, str] | None = None
        self._alarmed = 0

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

    def _write_group(self, group: list[_Pending]) -> None:
        try:
            self._insert([entry for pending in group for entry in pending.entries])
        except AuditError as exc:
            if len(group) == 1:
                group[0].error = exc
            else:
                # Do not let one request's failure sink the others: each alone.
                for pending in group:
                    try:
                        self._insert(pending.entries)
                    except AuditError as single:
                        pending.error = single
        for pending in group:
            pending.done = True

    def _insert(self, entries: Sequence[AuditEntry]) -> None:
        for _attempt in range(APPEND_ATTEMPTS):
            try:
                with self._engine.begin() as connection:
                    _lock_chain(connection)
                    rows, head = _chained(self._head_in(connection), entries)
                    connection.execute(insert(AuditRecord), rows)
            except IntegrityError:
                # A writer that does not take the chain lock appended first.
                continue
            except SQLAlchemyError as exc:
                logger.error("audit trail write failed: %s", _name(exc))
                raise AuditError(
                    f"the audit trail cannot be written: {_name(exc)}"
                ) from exc
            self._head = head
            return
        raise AuditError(
            f"the audit trail cannot be written: {APPEND_ATTEMPTS} appends collided"
        )

    def _head_in(self, connection: Connection) -> tuple[int, str]:
        """The record to chain onto, read under the chain lock.

        Normally the last stored record. If the last record this process wrote
        has since vanished or changed, that is tampering: the error is logged
        and the chain continues from what this process wrote, so that
        ``verify`` keeps pointing at the damage instead of it being papered
        over.
        """
        query = (
            select(AuditRecord.seq, AuditRecord.digest)
            .order_by(AuditRecord.seq.desc())
            .limit(1)
        )
        row = connection.execute(query).first()
        stored = (0, GENESIS) if row is None else (int(row.seq), str(row.digest))
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


@dataclass(slots=True)
class _Pending:
    """One request's entries waiting for a writer."""

    entries: Sequence[AuditEntry]
    done: bool = False
    error: AuditError | None = None


def _lock_chain(connection: Connection) -> None:
    """Hold the database-wide append lock until the transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write that
    matches nothing, which takes the database's single write lock (waiting up
    to the busy timeout); reading the head after it is then race-free.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY}
        )
    else:
        connection.execute(text("UPDATE audit_trail SET seq = seq WHERE 0 = 1"))


def _chained(
    head: tuple[int, str], entries: Sequence[AuditEntry]
) -> tuple[list[dict[str, Any]], tuple[int, str]]:
    seq, digest = head
    at = datetime.now(UTC)
    rows = []
    for entry in entries:
        seq += 1
        digest = chain_digest(digest, seq, at, entry.fields())
        rows.append(
            {
                "seq": seq,
                "at": at,
                "consumer_id": entry.consumer_id,
                "contract": entry.contract,
                "person_id": entry.person_id,
                "result": entry.result,
                "logical_address": entry.logical_address,
                "correlation_id": entry.correlation_id,
                "digest": digest,
            }
        )
    return rows, (seq, digest)


_CHAINS: weakref.WeakKeyDictionary[Engine, ChainWriter] = weakref.WeakKeyDictionary()
_CHAINS_LOCK = threading.Lock()


def writer_for(engine: Engine) -> ChainWriter:
    with _CHAINS_LOCK:
        chain = _CHAINS.get(engine)
        if chain is None:
            chain = _CHAINS[engine] = ChainWriter(engine)
        return chain


def _name(exc: BaseException) -> str:
    # The class name only: SQLAlchemy's messages repeat the bound parameters,
    # which include person ids.
    return type(exc).__name__
