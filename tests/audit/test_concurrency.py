"""Many writers at once: the chain stays one line, in one process and across two."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from regionnav.audit import AuditTrail, lockfile
from regionnav.errors import AuditError
from tests.audit.helpers import PEOPLE, entry

THREADS = 8
REQUESTS = 25


def _hammer(trails: list[AuditTrail]) -> list[BaseException]:
    """Each thread records REQUESTS requests of two entries on its trail."""
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(trail: AuditTrail, number: int) -> None:
        start.wait()
        try:
            for request in range(REQUESTS):
                cid = f"t{number}-r{request}"
                trail.record(
                    [
                        entry(PEOPLE[0], correlation_id=cid),
                        entry(PEOPLE[1], correlation_id=cid),
                    ]
                )
        except BaseException as exc:  # reported by the test
            failures.append(exc)

    threads = [
        threading.Thread(target=work, args=(trails[n % len(trails)], n))
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_threads_recording_at_once_keep_the_chain_valid(store: Engine) -> None:
    trail = AuditTrail(store)

    failures = _hammer([trail])

    result = trail.verify()
    assert (failures, result.intact, result.records) == (
        [],
        True,
        THREADS * REQUESTS * 2,
    )


def test_two_processes_recording_at_once_keep_the_chain_valid(
    another_process: Callable[[], Engine],
) -> None:
    # Two engines share no lock and no cached head: only the database keeps order.
    trails = [AuditTrail(another_process()), AuditTrail(another_process())]

    failures = _hammer(trails)

    result = trails[0].verify()
    assert (failures, result.intact, result.records) == (
        [],
        True,
        THREADS * REQUESTS * 2,
    )


def test_one_requests_entries_stay_together(store: Engine) -> None:
    trail = AuditTrail(store)

    _hammer([trail])

    entries = trail.person(PEOPLE[0]) + trail.person(PEOPLE[1])
    by_seq = sorted(entries, key=lambda e: e.seq)
    pairs = zip(by_seq[::2], by_seq[1::2], strict=True)
    assert all(
        a.correlation_id == b.correlation_id and b.seq == a.seq + 1 for a, b in pairs
    )


def _lock_file(engine: Engine) -> Path:
    return Path(f"{engine.url.database}-audit.lock")


def test_a_head_left_behind_in_the_lock_file_is_caught_by_the_key(
    sqlite_engine: Engine,
) -> None:
    # A writer that stopped between its commit and leaving its head behind:
    # the next one tries the number after the old head, is refused, and
    # reads the head from the database.
    trail = AuditTrail(sqlite_engine)
    trail.record([entry(PEOPLE[0])])
    behind = _lock_file(sqlite_engine).read_bytes()
    trail.record([entry(PEOPLE[1])])
    _lock_file(sqlite_engine).write_bytes(behind)

    trail.record([entry(PEOPLE[2])])

    result = trail.verify()
    assert (result.intact, result.records) == (True, 3)


@pytest.mark.parametrize("content", [b"", b"garbage", b"12 short", b"\xff" * 96])
def test_an_unreadable_lock_file_makes_the_writer_read_the_head(
    sqlite_engine: Engine, content: bytes
) -> None:
    AuditTrail(sqlite_engine).record([entry(PEOPLE[0])])
    _lock_file(sqlite_engine).write_bytes(content)

    AuditTrail(sqlite_engine).record([entry(PEOPLE[1])])

    result = AuditTrail(sqlite_engine).verify()
    assert (result.intact, result.records) == (True, 2)


def _head_line(seq: int, digest: str) -> bytes:
    return f"{seq} {digest}".encode("ascii").ljust(96)


def test_a_lock_file_left_from_before_a_restore_opens_no_gap(
    sqlite_engine: Engine,
) -> None:
    # The store and its trail restored together from a backup; the lock file
    # still holds the head of the records written after the backup.
    trail = AuditTrail(sqlite_engine)
    trail.record([entry(PEOPLE[0])])
    trail.record([entry(PEOPLE[1])])
    sqlite_engine.dispose()
    _lock_file(sqlite_engine).write_bytes(_head_line(7, "ab" * 32))

    AuditTrail(sqlite_engine).record([entry(PEOPLE[2])])

    result = AuditTrail(sqlite_engine).verify()
    assert (result.intact, result.records) == (True, 3)


@pytest.mark.parametrize(
    "head",
    [
        (1, "cd" * 32),  # the right number, another digest
        (2**63 - 1, "0" * 64),  # beyond the database's integers
        (10**30, "0" * 64),
    ],
)
def test_a_head_the_trail_does_not_hold_is_not_chained_onto(
    sqlite_engine: Engine, head: tuple[int, str]
) -> None:
    trail = AuditTrail(sqlite_engine)
    trail.record([entry(PEOPLE[0])])
    _lock_file(sqlite_engine).write_bytes(_head_line(*head))

    for person in PEOPLE[1:4]:
        AuditTrail(sqlite_engine).record([entry(person)])

    result = trail.verify()
    assert (result.intact, result.records) == (True, 4)


def test_commands_that_only_read_the_trail_make_no_lock_file(
    sqlite_engine: Engine,
) -> None:
    trail = AuditTrail(sqlite_engine)
    trail.verify()
    trail.person(PEOPLE[0])
    assert not _lock_file(sqlite_engine).exists()

    trail.open_for_appends()
    assert _lock_file(sqlite_engine).exists()


def test_a_lock_file_that_cannot_be_opened_fails_at_start(
    sqlite_engine: Engine,
) -> None:
    _lock_file(sqlite_engine).mkdir()

    with pytest.raises(AuditError, match=r"lock file .* cannot be opened"):
        AuditTrail(sqlite_engine).open_for_appends()


@pytest.fixture
def held_lock(sqlite_engine: Engine) -> Iterator[int]:
    """The trail's lock file, held as another process would (its own open file)."""
    AuditTrail(sqlite_engine).open_for_appends()
    fd = os.open(_lock_file(sqlite_engine), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    yield fd
    os.close(fd)


def test_an_append_waits_for_the_lock_file_to_be_let_go(
    sqlite_engine: Engine, held_lock: int
) -> None:
    threading.Timer(0.2, fcntl.flock, (held_lock, fcntl.LOCK_UN)).start()

    AuditTrail(sqlite_engine).record([entry(PEOPLE[0])])

    assert AuditTrail(sqlite_engine).verify().records == 1


def test_a_lock_file_never_let_go_fails_the_append_in_time(
    sqlite_engine: Engine, held_lock: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stopped process holding the lock: the request fails, it does not hang.
    monkeypatch.setattr(lockfile, "LOCK_WAIT_SECONDS", 0.3)
    started = time.monotonic()

    with pytest.raises(AuditError, match="lock file was held"):
        AuditTrail(sqlite_engine).record([entry(PEOPLE[0])])
    assert time.monotonic() - started < 5

    # Let go at last, the lock is not kept by the append that gave up ...
    fcntl.flock(held_lock, fcntl.LOCK_UN)
    deadline = time.monotonic() + 5
    while not _free(held_lock) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _free(held_lock)
    # ... and the next append is written.
    fcntl.flock(held_lock, fcntl.LOCK_UN)
    AuditTrail(sqlite_engine).record([entry(PEOPLE[1])])
    assert AuditTrail(sqlite_engine).verify().records == 1


def _free(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def test_requests_queued_at_a_held_lock_file_wait_no_longer_than_allowed(
    sqlite_engine: Engine, held_lock: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each request's wait counts from its own arrival: not once more for a
    # writer ahead of it, nor again when its entries are tried on their own.
    monkeypatch.setattr(lockfile, "LOCK_WAIT_SECONDS", 1.0)
    trail = AuditTrail(sqlite_engine)
    waited: list[float] = []

    def request(person: str) -> None:
        started = time.monotonic()
        with pytest.raises(AuditError, match="lock file was held"):
            trail.record([entry(person)])
        waited.append(time.monotonic() - started)

    threads = [threading.Thread(target=request, args=(p,)) for p in PEOPLE[:4]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(waited) == 4
    assert max(waited) < 2.0


def test_a_lock_waited_for_by_a_writer_that_gave_up_is_not_let_go_in_use(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db-audit.lock"
    lock = lockfile.FileLock(str(path))
    other = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(other, fcntl.LOCK_EX)
    with pytest.raises(AuditError), lock.held(time.monotonic() + 0.1):
        pass

    # The thread that waited for the writer gets the lock as it is let go;
    # the next writer must hold it through that thread, not beside it.
    fcntl.flock(other, fcntl.LOCK_UN)
    with lock.held(time.monotonic() + 5):
        time.sleep(0.2)
        assert not _free(other)
    assert _free(other)
    os.close(other)
