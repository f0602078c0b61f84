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

Appends keep the chain one line. In a process, one writer per database: the
thread holding its lock writes every entry queued by then (its own and the
waiting threads'), so one commit serves many requests, and it chains onto the
head it wrote last (one INSERT per transaction). On SQLite the processes take
turns at a lock file beside the store (:mod:`regionnav.audit.lockfile`),
which also carries the head from one writer to the next, so that they chain
onto each other without reading it from the database; a head the trail does
not hold (a file left from before a restore) is not chained onto. Across
processes, the sequence number is the primary key,
so two writers can never both take a place; the one refused takes a database
lock (PostgreSQL advisory lock, which every append there takes anyway;
SQLite's write lock), reads the head under it and keeps doing so for a while.
Records removed from the end behind a running writer's back leave a gap that
``verify`` names: that writer does not heal the chain. A writer of another
process chains onto what the trail holds; what was cut off then shows against
the anchor.

This package is the only place that names persons in stored form besides the
mirror; nothing here logs a person id.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from regionnav.audit.chain import writer_for
from regionnav.audit.entries import (
    GENESIS,
    LIMITS,
    RESULTS,
    AuditEntry,
    StoredEntry,
    chain_digest,
    timestamp,
    utc,
)
from regionnav.errors import AuditError
from regionnav.store.models import AuditRecord

__all__ = [
    "LIMITS",
    "RESULTS",
    "AuditEntry",
    "AuditTrail",
    "StoredEntry",
    "Verification",
    "chain_digest",
    "timestamp",
]

logger = logging.getLogger(__name__)

STREAM_BATCH = 5000


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
        self._chain = writer_for(engine)
        if not enabled:
            logger.warning("the audit trail is OFF: accesses are not recorded")

    @property
    def enabled(self) -> bool:
        return self._enabled

    def open_for_appends(self) -> None:
        """Make ready to record, failing now (:class:`AuditError`) if the trail
        cannot be written; commands that only read the trail never call it."""
        if self._enabled:
            self._chain.open()

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
            query = query.where(AuditRecord.at >= utc(since))
        if until is not None:
            query = query.where(AuditRecord.at < utc(until))
        return query

    @contextmanager
    def _stream(self, query: Any) -> Iterator[Iterator[StoredEntry]]:
        """The rows of ``query``, fetched in batches, closed when the block ends."""
        try:
            with self._engine.connect() as connection:
                options = connection.execution_options(yield_per=STREAM_BATCH)
                with options.execute(query) as rows:
                    yield (StoredEntry(seq, utc(at), *rest) for seq, at, *rest in rows)
        except SQLAlchemyError as exc:
            raise AuditError(f"the audit trail cannot be read: {_name(exc)}") from exc


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


def _name(exc: BaseException) -> str:
    # The class name only: SQLAlchemy's messages repeat the bound parameters,
    # which include person ids.
    return type(exc).__name__
