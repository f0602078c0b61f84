"""The streaming reader: posts, header, serialised bytes, encodings, memory."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.reader import DeliveryHeader, read_delivery
from adapters.navet.writer import write_delivery

DATA = Path(__file__).parents[2] / "data" / "navet"
EVERY = DATA / "every-element.xml"
VARIANTS = DATA / "variants.xml"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"

# Skatteverket's public test personnummer (shared/testdata), nobody real.
TEST_IDS = ["194107086995", "195001182046", "196410102880", "197605102388"]


def small_post(number: str) -> etree._Element:
    return etree.fromstring(
        "<Folkbokforingspost><Personpost><PersonId>"
        f"<PersonNr>{number}</PersonNr></PersonId></Personpost></Folkbokforingspost>"
    )


def test_header_is_read_from_aviseringsinformation() -> None:
    with read_delivery(EVERY) as navet:
        list(navet.posts())
    assert navet.header == DeliveryHeader(
        order_id="TEST00000000000001",
        file_type="AVISERING",
        kind="Aviseringsbest",
        product="NAVET",
        file_name="every-element.xml",
        effective_date="20250301",
        post_count=2,
        total_post_count=2,
        file_count=1,
        file_number=1,
    )


def test_header_is_known_when_the_first_post_arrives() -> None:
    with read_delivery(EVERY) as navet:
        next(navet.posts())
        assert navet.header is not None


def test_file_without_header_has_none() -> None:
    with read_delivery(VARIANTS) as navet:
        list(navet.posts())
    assert navet.header is None


def test_posts_are_numbered_in_file_order() -> None:
    with read_delivery(VARIANTS) as navet:
        numbers = [(post.number, post.facts.person_id) for post in navet.posts()]
    assert numbers == [
        (1, "195001182046"),
        (2, "196410102880"),
        (3, "197605102388"),
        (4, "198008302385"),
    ]


def test_post_bytes_are_the_element_alone() -> None:
    with read_delivery(VARIANTS) as navet:
        xml = next(navet.posts()).xml
    assert xml.startswith(b"<Folkbokforingspost")
    assert xml.endswith(b"</Folkbokforingspost>")


def test_post_bytes_keep_nil_with_its_namespace() -> None:
    with read_delivery(VARIANTS) as navet:
        element = etree.fromstring(next(navet.posts()).xml)
    skyddad = element.find("SkyddadFolkbokforing")
    assert skyddad is not None
    assert skyddad.get(XSI_NIL) == "true"


@pytest.mark.parametrize(
    ("path", "text"),
    [(EVERY, "LÅNGA 3"), (VARIANTS, "Ångström")],
)
def test_post_bytes_are_utf8_whatever_the_file_encoding(path: Path, text: str) -> None:
    with read_delivery(path) as navet:
        xml = b"".join(post.xml for post in navet.posts())
    assert text.encode("utf-8") in xml


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-8"])
def test_declared_encoding_is_honoured(tmp_path: Path, encoding: str) -> None:
    with read_delivery(VARIANTS) as navet:
        original = [post.xml for post in navet.posts()]
    path = tmp_path / "delivery.xml"
    write_delivery(path, original, encoding=encoding)

    with read_delivery(path) as navet:
        assert [post.xml for post in navet.posts()] == original


def test_posts_can_be_read_again() -> None:
    navet = read_delivery(VARIANTS)
    with navet:
        first = [post.xml for post in navet.posts()]
        second = [post.xml for post in navet.posts()]
    assert first == second


def test_stopping_early_leaves_nothing_open() -> None:
    with read_delivery(VARIANTS) as navet:
        posts = navet.posts()
        next(posts)
        posts.close()
        assert [post.number for post in navet.posts()] == [1, 2, 3, 4]


def test_reader_does_not_keep_read_posts(tmp_path: Path) -> None:
    count = 20_000
    path = tmp_path / "many.xml"
    write_delivery(path, (small_post(TEST_IDS[i % 4]) for i in range(count)))

    held: list[int] = []
    with read_delivery(path) as navet:
        for _post in navet.posts():
            held.append(navet.held_posts())
    assert len(held) == count
    # What remains is the current post plus those libxml2 built ahead from the
    # buffer it last read (tens of kilobytes), never the posts already read.
    posts_per_64k = 65536 // len(etree.tostring(small_post(TEST_IDS[0])))
    assert max(held) <= posts_per_64k
    assert held[-1] <= 1
