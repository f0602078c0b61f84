"""Generated deliveries, imported and read back: every case, both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine

from adapters.navet.generator import ChangeOrder, Order, generate, generate_changes
from adapters.navet.reader import Post, read_delivery
from regionnav.mirror import import_delivery
from regionnav.records import Records


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("generated")
    grund = folder / "grunduttag.xml"
    changes = folder / "avisering.xml"
    generate(Order(persons=1000, lan="25", seed=7), grund)
    generate_changes(ChangeOrder(source=grund, seed=7), changes)
    return grund, changes


def posts(path: Path) -> Iterator[Post]:
    with read_delivery(path) as delivery:
        yield from delivery.posts()


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def latest_posts(*paths: Path) -> dict[str, Post]:
    latest: dict[str, Post] = {}
    for path in paths:
        for post in posts(path):
            known = latest.get(post.facts.person_id)
            if known is None or (post.facts.changed_at or 0) >= (
                known.facts.changed_at or 0
            ):
                latest[post.facts.person_id] = post
    return latest


def test_every_post_of_a_grunduttag_reads_back_whole(
    engine: Engine, deliveries: tuple[Path, Path]
) -> None:
    grund, _ = deliveries
    import_delivery(engine, grund)
    expected = latest_posts(grund)
    stored = Records(engine).current(list(expected))

    assert set(stored) == set(expected)
    for person_id, post in expected.items():
        assert canonical(stored[person_id].post_xml) == canonical(post.xml)


def test_facts_of_every_case_are_stored(
    engine: Engine, deliveries: tuple[Path, Path]
) -> None:
    grund, _ = deliveries
    import_delivery(engine, grund)
    expected = latest_posts(grund)
    stored = Records(engine).current(list(expected))

    for person_id, post in expected.items():
        person, facts = stored[person_id], post.facts
        assert (person.id_kind, person.sekretessmarkering) == (
            facts.id_kind, facts.sekretessmarkering,
        )  # fmt: skip
        assert person.skyddad_folkbokforing == facts.skyddad_folkbokforing
        assert (person.avregistreringskod, person.avregistreringsdatum) == (
            facts.avregistreringskod, facts.avregistreringsdatum,
        )  # fmt: skip
        assert person.kommun_kod == facts.kommun_kod
    kinds = {(p.avregistreringskod, p.id_kind, p.protected) for p in stored.values()}
    for code in ("AV", "UV", "GN", "GS", "AS", "OB", "TA", "FI"):
        assert any(kind[0] == code for kind in kinds), code
    assert any(kind[1] == "SNR" for kind in kinds)
    assert any(kind[2] for kind in kinds)


def test_number_changes_of_a_grunduttag_are_linked_both_ways(
    engine: Engine, deliveries: tuple[Path, Path]
) -> None:
    grund, _ = deliveries
    import_delivery(engine, grund)
    records = Records(engine)
    changed = [
        p.facts for p in posts(grund) if p.facts.avregistreringskod in ("GN", "GS")
    ]

    assert changed
    for facts in changed:
        for new_id in facts.hanvisningar:
            assert (
                facts.person_id,
                new_id,
                facts.avregistreringskod,
            ) in records.linked(new_id)


def test_avisering_after_grunduttag_gives_current_record_and_history(
    engine: Engine, deliveries: tuple[Path, Path]
) -> None:
    grund, changes = deliveries
    import_delivery(engine, grund)
    summary = import_delivery(engine, changes)
    before = latest_posts(grund)
    after = latest_posts(grund, changes)
    changed = {p.facts.person_id: p for p in posts(changes)}
    records = Records(engine)

    assert summary.posts == len(changed) and summary.changed + summary.new > 0
    current = records.current(list(changed))
    for person_id in changed:
        assert canonical(current[person_id].post_xml) == canonical(after[person_id].xml)

    previous = [pid for pid in changed if pid in before]
    assert previous
    for person_id in previous:
        moment = (changed[person_id].facts.changed_at or 0) - 1
        then = records.as_of([person_id], moment)[person_id]
        assert canonical(then.post_xml) == canonical(before[person_id].xml)
