"""Large deliveries are read by a child process: same result, same refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine

from adapters.navet import frames
from regionnav import readahead
from regionnav.errors import DeliveryError, PostError
from regionnav.mirror import import_delivery
from regionnav.records import Records
from tests.mirror.deliveries import (
    ADULT,
    CHILD,
    OTHER,
    PostSpec,
    post,
    write,
    write_raw,
)
from tests.mirror.test_atomicity import snapshot


@pytest.fixture(autouse=True)
def _every_file_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readahead, "READ_AHEAD_BYTES", 0)


def test_child_read_imports_the_same_posts(engine: Engine, tmp_path: Path) -> None:
    specs = [PostSpec(ADULT), PostSpec(OTHER, surname="Öberg"), PostSpec(CHILD)]
    path = write(tmp_path / "g.xml", specs)
    assert isinstance(readahead.batches_of(path, 2), readahead.SegmentBatches)
    assert isinstance(
        readahead.batches_of(path, 2, careful=True), readahead.ChildBatches
    )

    summary = import_delivery(engine, path)
    stored = Records(engine).current([ADULT, OTHER, CHILD])

    assert (summary.posts, summary.new) == (3, 3)
    for element in etree.parse(str(path)).getroot().iter("Folkbokforingspost"):
        person_id = element.findtext("Personpost/PersonId/PersonNr")
        kept = etree.fromstring(stored[person_id].post_xml)
        assert etree.tostring(kept, method="c14n") == etree.tostring(
            element, method="c14n"
        )


def test_segments_read_by_turns_store_what_an_in_thread_read_stores(
    engine: Engine,
    second_sqlite_engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Birth year 1830: no such personnummer was ever issued.
    numbers = [ADULT, OTHER, CHILD] + [f"18300101{n:04d}" for n in range(40)]
    path = write(tmp_path / "g.xml", [PostSpec(n) for n in numbers])
    monkeypatch.setattr(frames, "SEGMENT", 1000)
    children = readahead.batches_of(path, 2)
    assert isinstance(children, readahead.SegmentBatches)
    assert len(children.layout.segments) > 4 * children.readers > 4

    import_delivery(engine, path)
    monkeypatch.setattr(readahead, "READ_AHEAD_BYTES", path.stat().st_size + 1)
    assert isinstance(readahead.batches_of(path, 2), readahead.LocalSegmentBatches)
    import_delivery(second_sqlite_engine, path)

    in_thread = Records(second_sqlite_engine).current(numbers)
    assert Records(engine).current(numbers) == in_thread


def test_child_read_refuses_a_bad_post_and_changes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    good = etree.tostring(post(PostSpec(ADULT)))
    bad = good.replace(ADULT.encode(), b"19410708699X")
    path = write_raw(tmp_path / "broken.xml", [good, good, bad])

    with pytest.raises(PostError) as caught:
        import_delivery(engine, path)

    assert (caught.value.post, caught.value.element) == (3, "PersonNr")
    assert snapshot(engine) == (0, 0, 0)


def test_child_read_refuses_a_truncated_file(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path / "g.xml", [PostSpec(ADULT), PostSpec(OTHER)])
    path.write_bytes(path.read_bytes()[:-60])

    with pytest.raises(DeliveryError):
        import_delivery(sqlite_engine, path)
    assert snapshot(sqlite_engine) == (0, 0, 0)
