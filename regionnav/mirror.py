"""Applying Navet deliveries to the store, whole or not at all.

A delivery is imported inside one database transaction: a broken post, a
crash or a kill half-way leaves the store exactly as it was, and a rerun
starts again from the top. The file's SHA-256 identifies it, so importing the
same file twice is a no-op. Every post replaces the whole person: it becomes a
new version beside the earlier ones, and the person's current record points at
it unless a newer change is already known (a late post adds history only).
A post identical to the current record adds nothing.

Number changes (``GN``/``GS`` with hänvisning) are kept as identity links,
readable from either side; both the old record (which refers forward) and the
new one (which refers back) produce the same link.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from adapters.navet.facts import PostFacts
from adapters.navet.frames import FramingError
from adapters.navet.reader import DeliveryHeader
from regionnav.errors import DeliveryError, StoreError
from regionnav.readahead import PackedPost, batches_of
from regionnav.store.bulk import BulkWriter
from regionnav.store.dictionaries import register
from regionnav.store.models import Delivery, PersonVersion
from regionnav.store.packing import shipped_dictionary

logger = logging.getLogger(__name__)

BATCH = 2000
NUMBER_CHANGES = frozenset({"GN", "GS", "G"})
# Serialises importers on PostgreSQL (an arbitrary, fixed advisory-lock key).
IMPORT_LOCK = 0x5245474E

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class ImportSummary:
    """What one import did; ``skipped`` when the file was imported before."""

    filename: str
    checksum: str
    kind: str
    posts: int
    new: int
    changed: int
    unchanged: int
    seconds: float
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return f"{self.filename}: already imported (sha256 {self.checksum[:12]})"
        rate = self.posts / self.seconds if self.seconds else 0.0
        return (
            f"{self.filename}: {self.posts} posts, {self.new} new, "
            f"{self.changed} changed, {self.unchanged} unchanged "
            f"in {self.seconds:.1f} s ({rate:,.0f} posts/s)"
        )


def checksum_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_delivery(
    engine: Engine, path: Path, progress: Progress | None = None
) -> ImportSummary:
    """Import one Navet file atomically.

    Raises :class:`~regionnav.errors.DeliveryError` (or its
    :class:`~regionnav.errors.PostError`) for a refused or unreadable file and
    :class:`~regionnav.errors.StoreError` when the database fails; in both
    cases nothing was changed.
    """
    started = time.perf_counter()
    try:
        checksum = checksum_of(path)
    except OSError as exc:
        raise DeliveryError(path.name, f"cannot be read: {exc.strerror}") from exc
    # The bulk writer talks to the driver directly, so its errors are the
    # driver's own (PEP 249), not SQLAlchemy's.
    driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
    try:
        try:
            summary = _import_once(
                engine, path, checksum, progress, started, careful=False
            )
        except FramingError as exc:
            # Rolled back; the general reader reads what the fast one could
            # not, or says precisely what is wrong with the file.
            logger.info(
                "delivery sha256 %s is read again the general way: %s",
                checksum[:12],
                exc,
            )
            summary = _import_once(
                engine, path, checksum, progress, started, careful=True
            )
    except (SQLAlchemyError, driver_error) as exc:
        # Only the first line: the rest of a driver's message may quote the
        # row (a personnummer, a name) that was being written.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise StoreError(
            f"import of {path.name} failed in the store: {reason or type(exc).__name__}"
        ) from exc

    if summary.skipped:
        return summary
    logger.info(
        "delivery sha256 %s imported: %d posts, %d new, %d changed, %d unchanged",
        checksum[:12],
        summary.posts,
        summary.new,
        summary.changed,
        summary.unchanged,
    )
    return summary


def _import_once(
    engine: Engine,
    path: Path,
    checksum: str,
    progress: Progress | None,
    started: float,
    *,
    careful: bool,
) -> ImportSummary:
    with engine.begin() as connection:
        _lock(connection)
        if _already_imported(connection, checksum):
            # Logged by checksum: a file name is chosen by whoever saved the
            # file and could name a person.
            logger.info("delivery sha256 %s already imported", checksum[:12])
            return ImportSummary(path.name, checksum, "-", 0, 0, 0, 0, 0.0, True)
        return _Import(connection, path, checksum, progress).run(started, careful)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK}
        )
    else:
        # Take SQLite's write lock now rather than at the first insert, so two
        # importers queue up instead of failing half-way.
        connection.execute(text("UPDATE deliveries SET id = id WHERE 0"))


def _already_imported(connection: Connection, checksum: str) -> bool:
    query = select(Delivery.id).where(Delivery.checksum == checksum)
    return connection.execute(query).first() is not None


class _Import:
    """One delivery being applied inside the caller's transaction."""

    def __init__(
        self,
        connection: Connection,
        path: Path,
        checksum: str,
        progress: Progress | None,
    ) -> None:
        self.connection = connection
        self.path = path
        self.checksum = checksum
        self.progress = progress
        self.imported_at = datetime.now(UTC)
        self.counts = {"posts": 0, "new": 0, "changed": 0, "unchanged": 0}
        self.bulk = BulkWriter(connection)
        self.imported_at_value = self.bulk.timestamp(self.imported_at)

    def run(self, started: float, careful: bool) -> ImportSummary:
        self.delivery_id = self._open_delivery()
        self.next_version = self._max_version() + 1
        self.dictionary_id = register(self.connection, shipped_dictionary())

        navet = batches_of(self.path, BATCH, careful)
        for batch in navet:
            self._apply(batch, navet.header)
            if self.progress:
                total = navet.header.post_count if navet.header else None
                self.progress(self.counts["posts"], total)
        kind = _kind(navet.header)
        seconds = time.perf_counter() - started

        self.connection.execute(
            update(Delivery)
            .where(Delivery.id == self.delivery_id)
            .values(
                kind=kind,
                effective_date=navet.header.effective_date if navet.header else None,
                finished_at=datetime.now(UTC),
                seconds=seconds,
                result="imported",
                **self.counts,
            )
        )
        return ImportSummary(
            filename=self.path.name,
            checksum=self.checksum,
            kind=kind,
            posts=self.counts["posts"],
            new=self.counts["new"],
            changed=self.counts["changed"],
            unchanged=self.counts["unchanged"],
            seconds=seconds,
        )

    def _open_delivery(self) -> int:
        row = self.connection.execute(
            insert(Delivery)
            .values(
                filename=self.path.name[:255],
                checksum=self.checksum,
                kind="-",
                posts=0,
                new=0,
                changed=0,
                unchanged=0,
                started_at=self.imported_at,
                finished_at=self.imported_at,
                seconds=0.0,
                result="importing",
            )
            .returning(Delivery.id)
        )
        return int(row.scalar_one())

    def _max_version(self) -> int:
        query = select(func.coalesce(func.max(PersonVersion.id), 0))
        return int(self.connection.execute(query).scalar_one())

    def _apply(self, posts: list[PackedPost], header: DeliveryHeader | None) -> None:
        fallback = _fallback_moment(header, self.imported_at)
        stored = self.bulk.current([post.facts.person_id for post in posts])
        current = dict(stored)
        versions: list[tuple[Any, ...]] = []
        persons: dict[str, tuple[Any, ...]] = {}
        links: dict[tuple[str, str], str | None] = {}

        for post in posts:
            self.counts["posts"] += 1
            facts = post.facts
            digest = post.digest
            valid_from = facts.changed_at or fallback
            known = current.get(facts.person_id)
            if known is not None and known[0] == digest:
                self.counts["unchanged"] += 1
                continue
            self.counts["new" if known is None else "changed"] += 1

            version_id = self.next_version
            self.next_version += 1
            versions.append((
                version_id, facts.person_id, facts.changed_at, valid_from,
                self.delivery_id, self.imported_at_value, digest, post.packed,
                self.dictionary_id,
            ))  # fmt: skip
            if known is None or valid_from >= known[1]:
                persons[facts.person_id] = self._person_row(
                    facts, version_id, valid_from, digest
                )
                current[facts.person_id] = (digest, valid_from)
            if facts.hanvisningar:
                reason = _link_reason(facts)
                for link in _links_of(facts):
                    links[link] = reason or links.get(link)

        if versions:
            self.bulk.versions(versions)
        if persons:
            # Persons the store does not hold yet (all of them, in a first
            # grunduttag) are plainly added; the others are replaced.
            self.bulk.add_persons([r for p, r in persons.items() if p not in stored])
            self.bulk.replace_persons([r for p, r in persons.items() if p in stored])
        if links:
            self.bulk.links(
                [
                    (old, new, reason, self.delivery_id)
                    for (old, new), reason in links.items()
                ]
            )

    def _person_row(
        self, facts: PostFacts, version_id: int, valid_from: int, digest: bytes
    ) -> tuple[Any, ...]:
        return (
            # Both drivers take booleans (SQLite's as 0 and 1).
            facts.person_id, facts.id_kind, version_id, valid_from, digest,
            facts.sekretessmarkering, facts.skyddad_folkbokforing,
            facts.avregistreringskod, facts.avregistreringsdatum,
            facts.lan_kod, facts.kommun_kod, facts.folkbokforingsdatum,
        )  # fmt: skip


def _links_of(facts: PostFacts) -> Iterator[tuple[str, str]]:
    """Identity links as ``(old, new)``: a GN/GS record refers forward, others back."""
    for other in facts.hanvisningar:
        if other == facts.person_id:
            continue
        if facts.avregistreringskod in NUMBER_CHANGES:
            yield facts.person_id, other
        else:
            yield other, facts.person_id


def _link_reason(facts: PostFacts) -> str | None:
    code = facts.avregistreringskod
    return code if code in NUMBER_CHANGES else None


def _fallback_moment(header: DeliveryHeader | None, imported_at: datetime) -> int:
    """When a post has no ``andringstidpunkt``: the effective date, else now."""
    if header and header.effective_date and header.effective_date.isdigit():
        return int(header.effective_date.ljust(8, "0")[:8]) * 1_000_000
    return int(imported_at.strftime("%Y%m%d%H%M%S"))


def _kind(header: DeliveryHeader | None) -> str:
    if header is None or not header.kind:
        return "unknown"
    return header.kind[:20]
