"""Importing deliveries: whole posts, history, links, idempotency."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine, func, select

from regionnav.mirror import import_delivery
from regionnav.records import Records
from regionnav.store.models import Delivery, IdentityLink, Person, PersonVersion
from tests.mirror.deliveries import ADULT, CHILD, NEW_NUMBER, OTHER, PostSpec, write


def count(engine: Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar())


def test_import_keeps_every_post_whole(engine: Engine, tmp_path: Path) -> None:
    path = write(
        tmp_path / "g.xml", [PostSpec(ADULT), PostSpec(OTHER, surname="Öberg")]
    )
    import_delivery(engine, path)

    stored = Records(engine).current([ADULT, OTHER])
    delivered = etree.parse(str(path)).getroot().iter("Folkbokforingspost")
    for element in delivered:
        person_id = element.findtext("Personpost/PersonId/PersonNr")
        kept = etree.fromstring(stored[person_id].post_xml)
        assert etree.tostring(kept, method="c14n") == etree.tostring(
            element, method="c14n"
        )


def test_import_summary_counts_new_changed_unchanged(
    engine: Engine, tmp_path: Path
) -> None:
    first = write(tmp_path / "1.xml", [PostSpec(ADULT), PostSpec(OTHER)])
    again = write(
        tmp_path / "2.xml",
        [
            PostSpec(ADULT),
            PostSpec(OTHER, surname="Berg", changed_at="20250301000000"),
            PostSpec(CHILD),
        ],
    )
    assert import_delivery(engine, first).new == 2
    summary = import_delivery(engine, again)
    assert (summary.posts, summary.new, summary.changed, summary.unchanged) == (
        3,
        1,
        1,
        1,
    )


def test_same_file_twice_is_a_noop(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "g.xml", [PostSpec(ADULT)])
    import_delivery(engine, path)
    second = import_delivery(engine, path)

    assert second.skipped
    assert count(engine, Delivery) == 1
    assert count(engine, PersonVersion) == 1


def test_change_file_gives_new_current_record_and_keeps_history(
    engine: Engine, tmp_path: Path
) -> None:
    grund = write(tmp_path / "g.xml", [PostSpec(ADULT, kommun="80")])
    change = write(
        tmp_path / "a.xml",
        [
            PostSpec(
                ADULT,
                kommun="84",
                changed_at="20250601080000",
                folkbokforingsdatum="20250601",
            )
        ],
    )
    import_delivery(engine, grund)
    import_delivery(engine, change)
    records = Records(engine)

    assert records.current([ADULT])[ADULT].kommun_kod == "2584"
    assert records.as_of([ADULT], 20250301000000)[ADULT].kommun_kod == "2580"
    assert records.as_of([ADULT], 20250601080000)[ADULT].kommun_kod == "2584"
    assert records.as_of([ADULT], 20241231000000) == {}
    assert count(engine, PersonVersion) == 2


def test_late_post_adds_history_but_keeps_the_newer_current(
    engine: Engine, tmp_path: Path
) -> None:
    newer = write(
        tmp_path / "n.xml", [PostSpec(ADULT, kommun="84", changed_at="20250601000000")]
    )
    older = write(
        tmp_path / "o.xml", [PostSpec(ADULT, kommun="80", changed_at="20250101000000")]
    )
    import_delivery(engine, newer)
    import_delivery(engine, older)
    records = Records(engine)

    assert records.current([ADULT])[ADULT].kommun_kod == "2584"
    assert records.as_of([ADULT], 20250301000000)[ADULT].kommun_kod == "2580"


@pytest.mark.parametrize(
    ("first", "second", "current"),
    [
        (("80", "20250101000000"), ("84", "20250601000000"), "2584"),
        (("84", "20250601000000"), ("80", "20250101000000"), "2584"),
    ],
)
def test_new_person_twice_in_one_delivery_keeps_both_and_the_newer_current(
    engine: Engine,
    tmp_path: Path,
    first: tuple[str, str],
    second: tuple[str, str],
    current: str,
) -> None:
    # The person is new to the store: the first post adds the current record
    # and the second, in the same batch, must replace or leave it.
    path = write(
        tmp_path / "twice.xml",
        [
            PostSpec(ADULT, kommun=first[0], changed_at=first[1]),
            PostSpec(OTHER),
            PostSpec(ADULT, kommun=second[0], changed_at=second[1]),
        ],
    )
    summary = import_delivery(engine, path)

    assert (summary.new, summary.changed) == (2, 1)
    assert Records(engine).current([ADULT])[ADULT].kommun_kod == current
    assert count(engine, PersonVersion) == 3
    assert count(engine, Person) == 2


@pytest.mark.parametrize("code", ["GN", "GS"])
def test_number_change_links_old_and_new_identity_both_ways(
    engine: Engine, tmp_path: Path, code: str
) -> None:
    path = write(
        tmp_path / "g.xml",
        [
            PostSpec(ADULT, avregistrering=(code, "20240101"), hanvisning=NEW_NUMBER),
            PostSpec(NEW_NUMBER, hanvisning=ADULT),
        ],
    )
    import_delivery(engine, path)
    records = Records(engine)

    assert records.linked(ADULT) == [(ADULT, NEW_NUMBER, code)]
    assert records.linked(NEW_NUMBER) == [(ADULT, NEW_NUMBER, code)]
    assert count(engine, IdentityLink) == 1


@pytest.mark.parametrize(
    ("code", "date"),
    [
        ("AV", "20200315"),
        ("UV", "20191000"),
        ("AS", "0"),
        ("AN", "20210101"),
        ("OB", "20230901"),
        ("TA", "19750000"),
        ("FI", "20240202"),
        ("A", "19990101"),
    ],
)
def test_deregistration_is_kept_with_its_date(
    engine: Engine, tmp_path: Path, code: str, date: str
) -> None:
    path = write(tmp_path / "g.xml", [PostSpec(ADULT, avregistrering=(code, date))])
    import_delivery(engine, path)
    person = Records(engine).current([ADULT])[ADULT]

    assert (person.avregistreringskod, person.avregistreringsdatum) == (code, date)


@pytest.mark.parametrize(
    ("sekretess", "skyddad", "expected"),
    [
        ("J", None, (True, False)),
        (None, "J", (False, True)),
        ("N", "N", (False, False)),
        ("", None, (False, False)),
        ("J", "J", (True, True)),
    ],
)
def test_protection_flags_are_first_class_fields(
    engine: Engine,
    tmp_path: Path,
    sekretess: str | None,
    skyddad: str | None,
    expected: tuple[bool, bool],
) -> None:
    path = write(
        tmp_path / "g.xml", [PostSpec(ADULT, sekretess=sekretess, skyddad=skyddad)]
    )
    import_delivery(engine, path)
    with engine.connect() as connection:
        row = connection.execute(
            select(Person.sekretessmarkering, Person.skyddad_folkbokforing)
        ).one()
    assert tuple(row) == expected


def test_delivery_is_recorded_with_its_counts(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path / "g.xml", [PostSpec(ADULT), PostSpec(OTHER)])
    summary = import_delivery(engine, path)
    with engine.connect() as connection:
        delivery = connection.execute(select(Delivery)).one()

    assert (delivery.filename, delivery.posts, delivery.new) == ("g.xml", 2, 2)
    assert delivery.checksum == summary.checksum
    assert delivery.result == "imported"
