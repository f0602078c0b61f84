"""The chain: what is recorded verifies, and every kind of tampering is named."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from regionnav.audit import AuditEntry, AuditTrail, chain_digest
from regionnav.audit.chain import ROWS_PER_INSERT
from regionnav.errors import RequestError
from regionnav.store.models import AuditRecord
from tests.audit.helpers import PEOPLE, entry


@pytest.fixture
def trail(store: Engine) -> AuditTrail:
    """A trail of five records, written by three requests."""
    audit = AuditTrail(store)
    audit.record([entry(PEOPLE[0]), entry(PEOPLE[1], "not_found")])
    audit.record([entry(PEOPLE[2], "masked")])
    audit.record([entry(PEOPLE[3], "unmasked"), entry(PEOPLE[0], "out_of_scope")])
    return audit


def _execute(store: Engine, *statements: object) -> None:
    with store.begin() as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[call-overload]


def _digest(store: Engine, seq: int) -> str:
    with store.connect() as connection:
        query = select(AuditRecord.digest).where(AuditRecord.seq == seq)
        return str(connection.execute(query).scalar_one())


def test_recorded_entries_verify(trail: AuditTrail) -> None:
    result = trail.verify()

    assert (result.intact, result.records, result.first_bad) == (True, 5, None)


def test_entries_are_stored_as_given(trail: AuditTrail) -> None:
    [first, second] = trail.person(PEOPLE[0])

    assert (first.seq, first.result, second.seq, second.result) == (
        1,
        "found",
        5,
        "out_of_scope",
    )
    assert first.at.tzinfo is not None


@pytest.mark.parametrize("size", [1, ROWS_PER_INSERT, ROWS_PER_INSERT + 1, 250])
def test_request_of_many_entries_is_recorded_whole(store: Engine, size: int) -> None:
    audit = AuditTrail(store)
    audit.record([entry(PEOPLE[0])])
    audit.record([entry(PEOPLE[n % 4], correlation_id=f"r{n}") for n in range(size)])

    result = audit.verify()
    assert (result.intact, result.records) == (True, size + 1)
    assert len(audit.person(PEOPLE[1])) == len(range(1, size, 4))


def test_empty_trail_verifies(store: Engine) -> None:
    assert AuditTrail(store).verify().intact


def test_changed_record_is_named(store: Engine, trail: AuditTrail) -> None:
    _execute(
        store, update(AuditRecord).where(AuditRecord.seq == 3).values(result="found")
    )

    assert trail.verify().first_bad == 3


def test_changed_time_is_named(store: Engine, trail: AuditTrail) -> None:
    moved = datetime(2020, 1, 1, tzinfo=UTC)
    _execute(store, update(AuditRecord).where(AuditRecord.seq == 2).values(at=moved))

    assert trail.verify().first_bad == 2


def test_deleted_record_is_named(store: Engine, trail: AuditTrail) -> None:
    _execute(store, delete(AuditRecord).where(AuditRecord.seq == 3))

    result = trail.verify()
    assert (result.first_bad, result.reason) == (3, "record 3 is missing")


def test_deleted_and_renumbered_record_is_named(
    store: Engine, trail: AuditTrail
) -> None:
    statements: list[object] = [delete(AuditRecord).where(AuditRecord.seq == 3)]
    statements += [
        update(AuditRecord).where(AuditRecord.seq == seq).values(seq=seq - 1)
        for seq in (4, 5)
    ]
    _execute(store, *statements)

    assert trail.verify().first_bad == 3


def test_inserted_record_with_a_made_up_digest_is_named(
    store: Engine, trail: AuditTrail
) -> None:
    forged = _row(6, entry(PEOPLE[1], "refused"), "0" * 64)
    _execute(store, insert(AuditRecord).values(**forged))

    assert trail.verify().first_bad == 6


def test_record_inserted_in_the_middle_is_found_at_the_next(
    store: Engine, trail: AuditTrail
) -> None:
    # A forger who chains the new record properly and renumbers the rest.
    moves = [
        update(AuditRecord).where(AuditRecord.seq == seq).values(seq=seq + 1)
        for seq in (5, 4, 3)
    ]
    fake = entry(PEOPLE[1], "found", consumer_id="SE2321000230-EVIL")
    at = datetime.now(UTC)
    digest = chain_digest(_digest(store, 2), 3, at, fake.fields())
    _execute(store, *moves, insert(AuditRecord).values(**_row(3, fake, digest, at)))

    assert trail.verify().first_bad == 4


def test_cut_off_end_is_found_against_the_anchor(
    store: Engine, trail: AuditTrail
) -> None:
    anchor = trail.verify().head
    _execute(store, delete(AuditRecord).where(AuditRecord.seq == 5))

    assert (trail.verify().intact, trail.verify(anchor).first_bad) == (True, 5)


def test_rewritten_chain_is_found_against_the_anchor(
    store: Engine, trail: AuditTrail, another_process: Callable[[], Engine]
) -> None:
    anchor = trail.verify().head
    _execute(store, delete(AuditRecord).where(AuditRecord.seq >= 4))
    _forget_the_head(store)
    forger = AuditTrail(another_process())
    forger.record([entry(PEOPLE[3], "found"), entry(PEOPLE[2], "found")])

    assert trail.verify(anchor).first_bad == 5


def test_records_cut_off_are_found_against_the_anchor_after_another_writer(
    store: Engine, trail: AuditTrail, another_process: Callable[[], Engine]
) -> None:
    # A writer of another process chains onto the trail's last record: on
    # SQLite the head in the lock file counts only if the trail holds it, so
    # that a file left from before a restore opens no gap. What was cut off
    # is found against the anchor, on both databases.
    anchor = trail.verify().head
    _execute(store, delete(AuditRecord).where(AuditRecord.seq >= 4))
    AuditTrail(another_process()).record([entry(PEOPLE[3], "found")])

    assert (trail.verify().first_bad, trail.verify(anchor).first_bad) == (None, 5)


def _forget_the_head(store: Engine) -> None:
    """What a forger with write access would do too: empty the lock file."""
    if store.dialect.name == "sqlite":
        Path(f"{store.url.database}-audit.lock").write_bytes(b"")


def test_anchor_of_an_intact_trail_verifies(trail: AuditTrail) -> None:
    anchor = trail.verify().head
    trail.record([entry(PEOPLE[2])])

    assert trail.verify(anchor).intact


def test_disabled_trail_records_nothing(store: Engine) -> None:
    AuditTrail(store, enabled=False).record([entry()])

    assert AuditTrail(store).verify().records == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("person_id", "2" * 65),
        ("correlation_id", "x" * 65),
        ("person_id", "20180101\x002392"),
        ("logical_address", "SE2321000230-RNAV\n"),
    ],
)
def test_malformed_value_is_the_callers_error(field: str, value: str) -> None:
    values = {name: getattr(entry(), name) for name in AuditEntry.__slots__}
    values[field] = value

    with pytest.raises(RequestError, match=field):
        AuditEntry(**values)


def test_unknown_result_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown audit result"):
        entry(result="seen")


def _row(
    seq: int, item: AuditEntry, digest: str, at: datetime | None = None
) -> dict[str, object]:
    values: dict[str, object] = {
        name: getattr(item, name) for name in AuditEntry.__slots__
    }
    return {**values, "seq": seq, "at": at or datetime.now(UTC), "digest": digest}
