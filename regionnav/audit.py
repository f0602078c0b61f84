"""The audit trail: one record per person per access, hash-chained.

Every answer that names a person is preceded by a record of it: who asked
(consumer), through which contract and logical address, about whom (person id),
what they got (the result) and when, with the request's correlation id. The
services call :meth:`AuditTrail.record` with all of one request's entries
before the answer leaves; if the trail cannot be written the request fails
(:class:`AuditError`), so no disclosure goes unrecorded.

The records form a single chain. Record ``n`` carries

    digest(n) = SHA-256(digest(n-1) || canonical(n))        digest(0) = 64 x "0"

where ``canonical`` is the compact JSON array of the record's fields, sequence
number and UTC time included. Changing, inserting or deleting a record breaks
the chain at that point, and :meth:`AuditTrail.verify` names the first bad
sequence number. Two kinds of tampering the chain alone cannot see: cutting
records off the end, and rewriting the whole chain from some point on (there is
no secret in it). Both are caught by checking against an *anchor*, a
``(seq, digest)`` pair that ``verify`` reports and an operator keeps outside
the database; ``verify(anchor=...)`` then proves that record is still there,
unchanged.

Appends are serialised at three levels. In a process, one lock per database:
the thread holding it writes every entry queued by then (its own and the
waiting threads'), so one commit serves many requests. Across processes, a
database lock taken at the start of the append transaction (a PostgreSQL
advisory lock; on SQLite the single write lock), under which the head of the
chain is read. Last, the sequence number is the primary key, so no two
records can ever claim the same place. The appending process remembers the
head it wrote; if that record has changed or vanished when it appends again,
it logs an error and chains onto what it wrote regardless, so the damage stays
visible to ``verify`` instead of being papered over.

This module is the only place that names persons in stored form besides the
mirror; nothing here logs a person id.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from regionnav.errors import AuditError, RequestError
from regionnav.store.models import AuditRecord

logger = logging.getLogger(__name__)

RESULTS = frozenset(
    ("found", "not_found", "masked", "unmasked", "out_of_scope", "refused")
)
GENESIS = "0" * 64
# The widths of the columns; a longer value is the caller's malformed request.
LIMITS = {
    "consumer_id": 64,
    "contract": 32,
    "person_id": 64,
    "logical_address": 255,
    "correlation_id": 64,
}
# How often an append is retried after another process took the same number.
APPEND_ATTEMPTS = 5
STREAM_BATCH = 5000
# PostgreSQL advisory lock that serialises appends across processes.
LOCK_KEY = 0x5245_4749_4F4E  # "REGION"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One access to one person, as the services report it.

    ``result`` is one of :data:`RESULTS`; anything else is a programming error
    (``ValueError``). A field longer than its column (:data:`LIMITS`) or with
    control characters raises :class:`RequestError`: such a value can only come
    from a malformed request, which is refused before anything is disclosed.
    """

    consumer_id: str
    contract: str
    person_id: str
    result: str
    logical_address: str
    correlation_id: str

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"unknown audit result {self.result!r}")
        for name, limit in LIMITS.items():
            value = getattr(self, name)
            if len(value) > limit:
                raise RequestError(f"{name} longer than {limit} characters")
            if not value.isprintable():
                raise RequestError(f"{name} contains control characters")

    def fields(self) -> tuple[str, str, str, str, str, str]:
        return (
            self.consumer_id,
            self.contract,
            self.person_id,
            self.result,
            self.logical_address,
            self.correlation_id,
        )


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One record as the trail holds it."""

    seq: int
    at: datetime
    consumer_id: str
    contract: str
    person_id: str
    result: str
    logical_address: str
    correlation_id: str
    digest: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": timestamp(self.at),
            "consumer_id": self.consumer_id,
            "contract": self.contract,
            "person_id": self.person_id,
            "result": self.result,
            "logical_address": self.logical_address,
            "correlation_id": self.correlation_id,
            "digest": self.digest,
        }


@dataclass(frozen=True, slots=True)
class Verification:
    """What :meth:`AuditTrail.verify` found.

    ``first_bad`` is the first sequence number at which the chain is broken
    (``None`` when it is intact); ``head`` is the last record's
    ``(seq, digest)``, to be kept as an anchor for the next verification.
    """

    records: int
    head: tuple[int, str]
    first_bad: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad is None


def timestamp(moment: datetime) -> str:
    """The canonical text of a moment: UTC, microseconds, ``Z``."""
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_digest(previous: str, seq: int, at: datetime, fields: Sequence[str]) -> str:
    """The digest of record ``seq`` following a record whose digest is ``previous``."""
    canonical = json.dumps(
        [seq, timestamp(at), *fields], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(
        previous.encode("ascii") + canonical.encode("utf-8")
    ).hexdigest()


class AuditTrail:
    """Append to, check and read the audit trail; safe to share between threads.

    ``enabled=False`` (configuration ``audit.enabled = false``) makes
    :meth:`record` do nothing. It exists only so that the benchmark can show
    what the trail costs; a production hub must keep it on, since the trail is
    the citizen's record of who looked at them.
    """

    def __init__(self, engine: Engine, enabled: bool = True) -> None:
        self._engine = engine
        self._enabled = enabled
        self._chain = _chain_for(engine)
        if not enabled:
            logger.warning("the audit trail is OFF: accesses are not recorded")

    @property
    def enabled(self) -> bool:
        return self._enabled

    def record(self, entries: Sequence[AuditEntry]) -> None:
        """Append ``entries`` (one request's) in one transaction, chained.

        Raises :class:`AuditError` when they cannot be written; the caller must
        then fail the request without answering.
        """
        if self._enabled and entries:
            self._chain.append(entries)

    def verify(self, anchor: tuple[int, str] | None = None) -> Verification:
        """Walk the whole chain and report the first broken record, if any.

        ``anchor`` is a ``(seq, digest)`` reported by an earlier verification;
        the trail must still hold that record unchanged. Raises
        :class:`AuditError` when the trail cannot be read.
        """
        previous, expected, anchored = GENESIS, 1, anchor is None
        with self._stream(select(*_COLUMNS).order_by(AuditRecord.seq)) as entries:
            for entry in entries:
                if entry.seq != expected:
                    return _broken(expected, previous, f"record {expected} is missing")
                digest = chain_digest(previous, entry.seq, entry.at, _fields(entry))
                if digest != entry.digest:
                    reason = f"record {entry.seq} does not match its digest"
                    return _broken(entry.seq, previous, reason)
                if anchor is not None and entry.seq == anchor[0]:
                    if entry.digest != anchor[1]:
                        reason = f"record {entry.seq} differs from the anchor"
                        return _broken(entry.seq, previous, reason)
                    anchored = True
                previous, expected = entry.digest, expected + 1

        head = (expected - 1, previous)
        if not anchored and anchor is not None:
            reason = f"the trail ends at {head[0]}, before the anchor {anchor[0]}"
            return Verification(head[0], head, expected, reason)
        return Verification(head[0], head)

    def person(
        self,
        person_id: str,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[StoredEntry]:
        """Every access to ``person_id`` in ``[since, until)``, oldest first."""
        query = self._between(since, until).where(AuditRecord.person_id == person_id)
        with self._stream(query) as entries:
            return list(entries)

    def export(
        self, out: TextIO, since: datetime | None = None, until: datetime | None = None
    ) -> int:
        """Write the records in ``[since, until)`` to ``out`` as JSON lines.

        Returns the number of records written.
        """
        count = 0
        with self._stream(self._between(since, until)) as entries:
            for entry in entries:
                out.write(json.dumps(entry.as_json(), ensure_ascii=False) + "\n")
                count += 1
        return count

    def _between(self, since: datetime | None, until: datetime | None) -> Any:
        query = select(*_COLUMNS).order_by(AuditRecord.seq)
        if since is not None:
            query = query.where(AuditRecord.at >= _utc(since))
        if until is not None:
            query = query.where(AuditRecord.at < _utc(until))
        return query

    @contextmanager
    def _stream(self, query: Any) -> Iterator[Iterator[StoredEntry]]:
        """The rows of ``query``, fetched in batches, closed when the block ends."""
        try:
            with self._engine.connect() as connection:
                options = connection.execution_options(yield_per=STREAM_BATCH)
                with options.execute(query) as rows:
                    yield (StoredEntry(seq, _utc(at), *rest) for seq, at, *rest in rows)
        except SQLAlchemyError as exc:
            raise AuditError(f"the audit trail cannot be read: {_name(exc)}") from exc


class _Chain:
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


_COLUMNS = (
    AuditRecord.seq,
    AuditRecord.at,
    AuditRecord.consumer_id,
    AuditRecord.contract,
    AuditRecord.person_id,
    AuditRecord.result,
    AuditRecord.logical_address,
    AuditRecord.correlation_id,
    AuditRecord.digest,
)

_CHAINS: weakref.WeakKeyDictionary[Engine, _Chain] = weakref.WeakKeyDictionary()
_CHAINS_LOCK = threading.Lock()


def _chain_for(engine: Engine) -> _Chain:
    with _CHAINS_LOCK:
        chain = _CHAINS.get(engine)
        if chain is None:
            chain = _CHAINS[engine] = _Chain(engine)
        return chain


def _fields(entry: StoredEntry) -> tuple[str, ...]:
    return (
        entry.consumer_id,
        entry.contract,
        entry.person_id,
        entry.result,
        entry.logical_address,
        entry.correlation_id,
    )


def _broken(seq: int, previous: str, reason: str) -> Verification:
    return Verification(seq - 1, (seq - 1, previous), seq, reason)


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _name(exc: BaseException) -> str:
    # The class name only: SQLAlchemy's messages repeat the bound parameters,
    # which include person ids.
    return type(exc).__name__
