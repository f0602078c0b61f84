"""Stored posts: zstd with a shipped dictionary, stored once, rows that name it."""

from __future__ import annotations

from pathlib import Path

import pytest
import zstandard
from sqlalchemy import Engine, func, select, update

from adapters.navet.generator import Order, generate
from adapters.navet.reader import read_delivery
from regionnav.errors import StoreError
from regionnav.mirror import import_delivery
from regionnav.records import Records
from regionnav.store import packing
from regionnav.store.dictionaries import register
from regionnav.store.models import PersonVersion, PostDictionary
from regionnav.store.packing import Packer, Unpacker, shipped_dictionary
from tests.mirror.deliveries import ADULT, CHILD, OTHER, PostSpec, write

NUMBERS = [ADULT, OTHER, CHILD]
LATER = 99991231235959


@pytest.fixture
def delivery(tmp_path: Path) -> Path:
    specs = [PostSpec(ADULT), PostSpec(OTHER, surname="Öberg"), PostSpec(CHILD)]
    return write(tmp_path / "g.xml", specs)


def posts_of(path: Path) -> dict[str, bytes]:
    with read_delivery(path) as navet:
        return {post.facts.person_id: post.xml for post in navet.posts()}


def dictionary_rows(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return list(connection.execute(select(PostDictionary.id)).scalars())


def version_rows(engine: Engine) -> list[tuple[str, int | None, bytes]]:
    query = select(
        PersonVersion.person_id, PersonVersion.dictionary_id, PersonVersion.post_xml
    )
    with engine.connect() as connection:
        return [(row[0], row[1], bytes(row[2])) for row in connection.execute(query)]


def test_packed_post_unpacks_to_the_post(delivery: Path) -> None:
    post = posts_of(delivery)[ADULT]
    packed = Packer(shipped_dictionary()).pack(post)
    assert Unpacker(lambda _id: shipped_dictionary()).unpack(7, packed) == post


def test_post_without_dictionary_is_unpacked_as_stored(delivery: Path) -> None:
    post = posts_of(delivery)[ADULT]
    assert Unpacker(lambda _id: pytest.fail("no dictionary")).unpack(None, post) == post


def test_registering_a_dictionary_again_gives_its_id(engine: Engine) -> None:
    with engine.begin() as connection:
        first = register(connection, shipped_dictionary())
        again = register(connection, shipped_dictionary())
    assert again == first


def test_two_imports_store_the_dictionary_once(
    engine: Engine, delivery: Path, tmp_path: Path
) -> None:
    import_delivery(engine, delivery)
    import_delivery(
        engine,
        write(tmp_path / "later.xml", [PostSpec(ADULT, changed_at="20260101120000")]),
    )
    assert len(dictionary_rows(engine)) == 1


def test_every_version_of_an_import_names_the_dictionary(
    engine: Engine, delivery: Path
) -> None:
    import_delivery(engine, delivery)
    (dictionary_id,) = dictionary_rows(engine)
    assert [row[1] for row in version_rows(engine)] == [dictionary_id] * 3


def test_stored_post_is_smaller_than_the_post(engine: Engine, delivery: Path) -> None:
    import_delivery(engine, delivery)
    posts = posts_of(delivery)
    rows = version_rows(engine)

    assert len(rows) == 3
    for person_id, _dictionary_id, stored in rows:
        assert len(stored) < len(posts[person_id])


def store_uncompressed(engine: Engine, posts: dict[str, bytes]) -> None:
    """Rewrite the version rows as they were written before migration 0003."""
    with engine.begin() as connection:
        for person_id, xml in posts.items():
            connection.execute(
                update(PersonVersion)
                .where(PersonVersion.person_id == person_id)
                .values(post_xml=xml, dictionary_id=None)
            )
        remaining = connection.execute(
            select(func.count()).where(PersonVersion.dictionary_id.is_not(None))
        ).scalar_one()
    assert remaining == 0


def test_uncompressed_version_is_read_as_the_current_record(
    engine: Engine, delivery: Path
) -> None:
    import_delivery(engine, delivery)
    before = Records(engine).current(NUMBERS)

    store_uncompressed(engine, posts_of(delivery))

    assert Records(engine).current(NUMBERS) == before


def test_uncompressed_version_is_read_as_the_record_at_a_time(
    engine: Engine, delivery: Path
) -> None:
    import_delivery(engine, delivery)
    before = Records(engine).as_of(NUMBERS, LATER)

    store_uncompressed(engine, posts_of(delivery))

    assert Records(engine).as_of(NUMBERS, LATER) == before


@pytest.mark.slow
def test_shipped_dictionary_is_the_one_the_training_command_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The commands of regionnav/store/data/SOURCES.md, through their functions
    # (about 5 s); the trained file is written beside, not over, the shipped.
    shipped = shipped_dictionary()
    delivery = tmp_path / "train.xml"
    generate(Order(5000, "01", seed=2026), delivery)
    monkeypatch.setattr(packing, "SHIPPED", tmp_path / "posts.zdict")

    packing.main([str(delivery)])

    assert (tmp_path / "posts.zdict").read_bytes() == shipped


def test_a_corrupted_stored_post_is_a_store_error() -> None:
    unpacker = Unpacker(lambda _id: shipped_dictionary())
    with pytest.raises(StoreError):
        unpacker.unpack(1, b"not a zstd frame")


def test_a_stored_post_claiming_an_impossible_size_is_a_store_error() -> None:
    # A frame header that declares 1 TiB of content, and nothing after it.
    header = zstandard.ZstdCompressor(write_content_size=True).compress(b"x")
    forged = header[:4] + bytes([0xE0]) + (1 << 40).to_bytes(8, "little")
    unpacker = Unpacker(lambda _id: shipped_dictionary())
    with pytest.raises(StoreError):
        unpacker.unpack(1, forged)
