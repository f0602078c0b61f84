"""What one audit record holds, and how it is chained.

The canonical encoding of a record is the compact JSON array of its sequence
number, UTC time (:func:`timestamp`) and fields; its digest is the SHA-256 over
the previous record's digest (hex) and that encoding (:func:`chain_digest`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from regionnav.errors import RequestError

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


def timestamp(moment: datetime) -> str:
    """The canonical text of a moment: UTC, microseconds, ``Z``."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_digest(previous: str, seq: int, at: datetime, fields: Sequence[str]) -> str:
    """The digest of record ``seq`` following a record whose digest is ``previous``."""
    canonical = json.dumps(
        [seq, timestamp(at), *fields], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(
        previous.encode("ascii") + canonical.encode("utf-8")
    ).hexdigest()


def utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
