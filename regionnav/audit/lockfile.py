"""The lock file beside a SQLite store, at which appending processes take turns.

The audit chain's appends (:mod:`regionnav.audit.chain`) of every process on
one SQLite store are serialised here rather than by SQLite's own write lock,
and the file carries the chain's head from one writer to the next.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from regionnav.audit.entries import GENESIS
from regionnav.errors import AuditError

# The lock file holds the head as "seq digest", padded to a fixed length.
_HEAD_BYTES = 96
# A number beyond any real trail, well within both databases' integers: a
# larger one in the lock file is damage, not a head.
_MAX_SEQ = 2**62
# How long an append waits for the lock file: as long as SQLite waits for its
# write lock (busy_timeout in regionnav.store.engine).
LOCK_WAIT_SECONDS = 10.0


class FileLock:
    """Takes turns with the other processes appending to one SQLite file.

    SQLite's own wait for its write lock sleeps 1, 2, 5, 10 ... ms between
    tries, so two serving processes appending all the time would lose most of
    their time asleep; a lock on a file beside the database wakes the next
    waiter the moment it is free. The file also carries the chain's head from
    one writer to the next, so that an append of one process after another's
    need not read it from the database (four statements fewer).

    The file is made by the first append (or :meth:`open`), not by commands
    that only read the trail: one run by another user would leave a file the
    serving user cannot open.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None
        self._keeper: _Keeper | None = None

    def open(self) -> int:
        """The file's descriptor, opening (or making) the file the first time;
        raises :class:`AuditError` if it cannot be."""
        if self._fd is None:
            try:
                self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise AuditError(
                    f"the audit trail's lock file {self._path} cannot be opened: "
                    f"{exc.strerror}"
                ) from exc
            weakref.finalize(self, os.close, self._fd)
        return self._fd

    @classmethod
    def beside(cls, engine: Engine) -> FileLock | None:
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return None
        return cls(f"{database}-audit.lock")

    def head(self) -> tuple[int, str] | None:
        """The head the last writer left here, if it left a readable one.

        Read under the lock. It may be behind the database (a writer that
        stopped between its commit and writing here), which the primary key
        catches, or name a record the trail does not hold (a file left from
        another trail, or from before a restore), which the append's own
        check of its head catches (see :mod:`regionnav.audit.chain`).
        """
        try:
            text = os.pread(self.open(), _HEAD_BYTES, 0).decode("ascii")
            seq, digest = text.split()
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not seq.isdigit() or int(seq) > _MAX_SEQ or len(digest) != len(GENESIS):
            return None
        return int(seq), digest

    def keep(self, head: tuple[int, str] | None) -> None:
        """Leave ``head`` here for the next writer (under the lock)."""
        if head is not None:
            line = f"{head[0]} {head[1]}".encode("ascii").ljust(_HEAD_BYTES)
            with contextlib.suppress(OSError):
                os.pwrite(self.open(), line, 0)

    @contextmanager
    def held(self, deadline: float) -> Iterator[None]:
        """Hold the lock, waiting for it until ``deadline`` (``time.monotonic``).

        Raises :class:`AuditError` when it is not free by then: a holder that
        never lets go (a stopped process) fails the requests instead of
        hanging them.
        """
        self._acquire(deadline)
        try:
            yield
        finally:
            fcntl.flock(self.open(), fcntl.LOCK_UN)

    def _acquire(self, deadline: float) -> None:
        fd = self.open()
        keeper = self._keeper
        # While the thread still waits for a writer that gave up, the lock goes
        # through it: a try of our own, on the same open file, would succeed
        # beside it, and the thread would then let go of a lock in use.
        if keeper is None or not keeper.waiting:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
        if keeper is None:
            keeper = self._keeper = _Keeper(fd)
        left = deadline - time.monotonic()
        if left <= 0 or not keeper.acquire(left):
            raise AuditError(
                "the audit trail cannot be written: its lock file was held by "
                f"another past the {LOCK_WAIT_SECONDS:.0f} s a request waits"
            )


class _Keeper:
    """Waits for the lock file for a writer, for a limited time.

    flock cannot wait for a limited time, and trying again after pauses makes
    every wait as long as a pause, where the holder keeps the lock for a
    single append (tens of microseconds). So a thread of its own makes the
    blocking call, woken the moment the lock is free, while the writer waits
    for it with a timeout. A writer that gave up leaves the lock to the next
    one, or, if none came, the thread lets it go at once.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._changed = threading.Condition()
        self._waiting = False
        self._granted = False
        self._abandoned = False
        threading.Thread(target=self._run, name="audit-lock", daemon=True).start()

    @property
    def waiting(self) -> bool:
        """Whether the thread is in its blocking call (for a writer or not)."""
        with self._changed:
            return self._waiting

    def acquire(self, timeout: float) -> bool:
        """Whether the lock was taken for the caller within ``timeout`` seconds."""
        with self._changed:
            self._abandoned = False
            if not self._waiting:
                self._waiting = True
                self._changed.notify_all()
            if self._changed.wait_for(lambda: self._granted, timeout):
                self._granted = False
                return True
            self._abandoned = True
            return False

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._waiting)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            with self._changed:
                self._waiting = False
                if self._abandoned:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                else:
                    self._granted = True
                    self._changed.notify_all()
