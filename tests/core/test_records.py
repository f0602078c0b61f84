"""Reading current records: what comes back for which ids, and read failures."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from regionnav.errors import StoreError
from regionnav.mirror import import_delivery
from regionnav.records import Records
from regionnav.store.engine import open_engine
from tests.mirror.deliveries import ADULT, CHILD, OTHER, PostSpec, write

UNKNOWN = "195302022255"


@pytest.fixture
def records(engine: Engine, tmp_path: Path) -> Records:
    specs = [PostSpec(ADULT), PostSpec(OTHER, sekretess="J"), PostSpec(CHILD)]
    import_delivery(engine, write(tmp_path / "g.xml", specs))
    return Records(engine)


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ([ADULT], {ADULT}),
        ([ADULT, UNKNOWN], {ADULT}),
        ([UNKNOWN], set()),
        ([ADULT, ADULT, OTHER], {ADULT, OTHER}),
        ([], set()),
    ],
)
def test_current_answers_each_known_id_once(
    records: Records, asked: list[str], found: set[str]
) -> None:
    assert set(records.current(asked)) == found


def test_current_flags_are_booleans(records: Records) -> None:
    stored = records.current([ADULT, OTHER])

    flags = {
        pid: (person.sekretessmarkering, person.skyddad_folkbokforing)
        for pid, person in stored.items()
    }
    assert flags == {ADULT: (False, False), OTHER: (True, False)}
    assert all(type(flag) is bool for pair in flags.values() for flag in pair)


@pytest.mark.parametrize(
    ("asked", "protected"),
    [
        ([ADULT, OTHER, UNKNOWN], {ADULT: False, OTHER: True}),
        ([OTHER, OTHER], {OTHER: True}),
        ([UNKNOWN], {}),
        ([], {}),
    ],
)
def test_protection_reads_the_current_flags_of_known_ids(
    records: Records, asked: list[str], protected: dict[str, bool]
) -> None:
    flags = records.protection(asked)

    assert {pid: person.protected for pid, person in flags.items()} == protected
    assert all(
        type(flag) is bool
        for person in flags.values()
        for flag in (person.sekretessmarkering, person.skyddad_folkbokforing)
    )


def test_protection_reads_many_ids_in_chunks(records: Records) -> None:
    # More ids than one SQLite statement binds: read in one transaction.
    asked = [ADULT, *(f"1840{n:08d}" for n in range(2500)), OTHER]

    assert set(records.protection(asked)) == {ADULT, OTHER}


def test_current_record_carries_the_post_and_its_facts(records: Records) -> None:
    person = records.current([CHILD])[CHILD]

    assert (person.id_kind, person.lan_kod, person.kommun_kod) == ("PNR", "25", "2580")
    assert isinstance(person.post_xml, bytes)
    assert person.post_xml.startswith(b"<Folkbokforingspost")


def test_current_on_a_store_without_tables_raises_store_error(tmp_path: Path) -> None:
    bare = open_engine(f"sqlite:///{tmp_path}/bare.db")
    try:
        with pytest.raises(StoreError, match="cannot be read: OperationalError"):
            Records(bare).current([ADULT])
    finally:
        bare.dispose()
