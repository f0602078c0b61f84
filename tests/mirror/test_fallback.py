"""When the fast reader gives up, the import starts over with the general one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine

from adapters.navet import frames
from adapters.navet.facts import facts_of
from regionnav.errors import PostError
from regionnav.mirror import import_delivery
from regionnav.records import Records, StoredPerson
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

NUMBERS = [ADULT, OTHER, CHILD]
END = b"</Folkbokforingspost>\n"


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    specs = [PostSpec(ADULT), PostSpec(OTHER, surname="Öberg"), PostSpec(CHILD)]
    return write(tmp_path / "plain.xml", specs)


def with_comment_after_post(plain: Path, number: int) -> Path:
    data = plain.read_bytes()
    at = 0
    for _ in range(number):
        at = data.index(END, at) + len(END)
    path = plain.with_name("commented.xml")
    path.write_bytes(data[:at] + b"<!-- not plain -->\n" + data[at:])
    return path


def stored(engine: Engine) -> dict[str, StoredPerson]:
    return Records(engine).current(NUMBERS)


def test_comment_between_posts_is_read_again_the_general_way(
    engine: Engine, plain: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="regionnav.mirror"):
        import_delivery(engine, with_comment_after_post(plain, 1))
    assert "read again the general way" in caplog.text


def test_comment_between_posts_imports_every_post(engine: Engine, plain: Path) -> None:
    summary = import_delivery(engine, with_comment_after_post(plain, 1))
    assert (summary.posts, summary.new) == (3, 3)
    assert snapshot(engine) == (1, 3, 3)


def test_comment_between_posts_stores_what_the_file_without_it_stores(
    engine: Engine, second_sqlite_engine: Engine, plain: Path
) -> None:
    import_delivery(engine, with_comment_after_post(plain, 1))
    import_delivery(second_sqlite_engine, plain)
    assert stored(engine) == stored(second_sqlite_engine)


def test_fast_reader_giving_up_after_some_segments_leaves_no_trace(
    engine: Engine, plain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A segment a post: the first is stored before the comment after the
    # second is met.
    monkeypatch.setattr(frames, "SEGMENT", 100)
    commented = with_comment_after_post(plain, 2)
    assert len(frames.plan(plain).segments) == 3

    seen: list[int] = []
    summary = import_delivery(engine, commented, lambda done, _total: seen.append(done))

    assert seen == [1, 3]  # one segment stored, then all posts read again
    assert (summary.posts, summary.new) == (3, 3)
    assert snapshot(engine) == (1, 3, 3)


@pytest.mark.parametrize("comment", [False, True], ids=["plain", "with a comment"])
def test_broken_post_after_good_ones_is_refused_precisely_and_stores_nothing(
    engine: Engine, tmp_path: Path, comment: bool
) -> None:
    good = etree.tostring(post(PostSpec(ADULT)))
    bad = good.replace(ADULT.encode(), b"19410708699X")
    extra = b"<!-- not plain -->" if comment else b""
    path = write_raw(tmp_path / "broken.xml", [good, extra + good, good, bad])

    with pytest.raises(PostError) as caught:
        import_delivery(engine, path)

    assert (caught.value.post, caught.value.element) == (4, "PersonNr")
    assert snapshot(engine) == (0, 0, 0)


def test_a_spaced_end_tag_never_files_a_post_under_another_number(
    engine: Engine, plain: Path
) -> None:
    # Valid XML the byte search passes by: read the general way, each person
    # keeps their own post.
    data = plain.read_bytes().replace(END, b"</Folkbokforingspost >\n", 1)
    plain.write_bytes(data)

    import_delivery(engine, plain)

    for number, person in Records(engine).current(NUMBERS).items():
        assert facts_of(person.post_xml).person_id == number


def test_a_post_larger_than_the_mirror_serves_is_refused_by_number(
    engine: Engine, tmp_path: Path
) -> None:
    # Stored, it could never be answered: the services read no larger post.
    note = etree.Element("Anteckning")
    note.text = "x" * 1_100_000
    specs = [PostSpec(ADULT), PostSpec(OTHER, extra=[note]), PostSpec(CHILD)]
    path = write(tmp_path / "big.xml", specs)

    with pytest.raises(PostError) as caught:
        import_delivery(engine, path)

    assert (caught.value.post, caught.value.element) == (2, "Folkbokforingspost")
    assert snapshot(engine) == (0, 0, 0)
