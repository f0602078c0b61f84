"""The CA's record of what it issued: ``index.json`` beside the CA key.

Admin tooling only; the store does not know about it. ``list``, ``revoke`` and
``crl`` read it. Every change happens under an exclusive lock on
``index.lock`` and replaces the file atomically, so two administrators issuing
at the same moment cannot lose an entry. The lock is ``fcntl.flock``: POSIX
only, and not reliable on NFS, so keep ``certs.ca_dir`` on a local disk.

Subjects are stored because administrators list them; they name systems
(function certificates), but a personal certificate would carry a name in its
CN, so subjects never go to the log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from certs.files import read_bytes, write_public
from regionnav.errors import CertificateError

INDEX_FILE = "index.json"
LOCK_FILE = "index.lock"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class IndexEntry:
    """One certificate the CA issued. ``serial`` is the certificate serial."""

    serial: int
    subject: str
    kind: str
    not_before: datetime
    not_after: datetime
    fingerprint: str
    revoked_at: datetime | None = None
    reason: str | None = None

    @property
    def serial_hex(self) -> str:
        return format_serial(self.serial)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass
class Index:
    """All entries, in issue order, and the number of the last CRL made."""

    entries: list[IndexEntry] = field(default_factory=list)
    crl_number: int = 0

    def find(self, serial: int) -> IndexEntry | None:
        return next((e for e in self.entries if e.serial == serial), None)

    def replace(self, entry: IndexEntry) -> None:
        self.entries = [entry if e.serial == entry.serial else e for e in self.entries]


def format_serial(serial: int) -> str:
    """Serials are shown as upper-case hex of whole bytes, as OpenSSL prints them."""
    digits = f"{serial:X}"
    return digits.rjust(len(digits) + len(digits) % 2, "0")


def read_index(directory: Path) -> Index:
    """The index of the CA in ``directory`` (empty if none was written yet)."""
    path = directory / INDEX_FILE
    if not path.exists():
        return Index()
    try:
        raw = json.loads(read_bytes(path))
        return Index(
            entries=[_entry(item) for item in raw["certificates"]],
            crl_number=int(raw["crl_number"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CertificateError(f"{path}: index is damaged ({exc})") from exc


@contextlib.contextmanager
def updating(directory: Path) -> Iterator[Index]:
    """Lock the index, yield it for changes, and write it back on success."""
    lock_path = directory / LOCK_FILE
    try:
        lock = lock_path.open("a")
    except OSError as exc:
        raise CertificateError(f"cannot lock {lock_path}: {exc.strerror}") from exc
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        index = read_index(directory)
        yield index
        write_public(directory / INDEX_FILE, _dump(index))


def _dump(index: Index) -> bytes:
    document = {
        "format": FORMAT_VERSION,
        "crl_number": index.crl_number,
        "certificates": [_raw(entry) for entry in index.entries],
    }
    return json.dumps(document, indent=2).encode() + b"\n"


def _raw(entry: IndexEntry) -> dict[str, Any]:
    raw = dataclasses.asdict(entry)
    raw["serial"] = format_serial(entry.serial)
    for key in ("not_before", "not_after", "revoked_at"):
        raw[key] = raw[key].isoformat() if raw[key] else None
    return raw


def _entry(raw: dict[str, Any]) -> IndexEntry:
    revoked_at = raw.get("revoked_at")
    return IndexEntry(
        serial=int(raw["serial"], 16),
        subject=str(raw["subject"]),
        kind=str(raw["kind"]),
        not_before=datetime.fromisoformat(raw["not_before"]),
        not_after=datetime.fromisoformat(raw["not_after"]),
        fingerprint=str(raw["fingerprint"]),
        revoked_at=datetime.fromisoformat(revoked_at) if revoked_at else None,
        reason=raw.get("reason"),
    )
