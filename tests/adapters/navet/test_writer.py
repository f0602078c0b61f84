"""The delivery writer: the frame Skatteverket uses, determinism, encodings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.reader import read_delivery
from adapters.navet.writer import SCHEMA_LOCATION, XSI, write_delivery
from regionnav.errors import DeliveryError

# Skatteverket's public test personnummer (shared/testdata), nobody real.
TEST_IDS = ["194107086995", "195001182046", "196410102880"]
HEADER = Path(__file__).parents[2] / "data" / "navet" / "every-element.xml"


def post(number: str, fornamn: str = "Åsa") -> etree._Element:
    element = etree.fromstring(
        f'<Folkbokforingspost xmlns:xsi="{XSI}">'
        '<Sekretessmarkering xsi:nil="true"/><Personpost><PersonId>'
        f"<PersonNr>{number}</PersonNr></PersonId><Namn><Fornamn/></Namn>"
        "</Personpost></Folkbokforingspost>"
    )
    element.find("Personpost/Namn/Fornamn").text = fornamn  # type: ignore[union-attr]
    return element


def written(posts: list[etree._Element], encoding: str = "ISO-8859-1") -> bytes:
    buffer = io.BytesIO()
    write_delivery(buffer, posts, encoding=encoding)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "UTF-8"])
def test_file_starts_with_declaration_naming_the_encoding(encoding: str) -> None:
    first_line = written([post(TEST_IDS[0])], encoding).split(b"\n", 1)[0]
    assert first_line == f'<?xml version="1.0" encoding="{encoding}"?>'.encode()


def test_root_carries_the_avisering_schema_location() -> None:
    root = etree.fromstring(written([post(TEST_IDS[0])]))
    assert root.tag == "Navetavisering"
    assert root.get(f"{{{XSI}}}noNamespaceSchemaLocation") == SCHEMA_LOCATION
    assert [child.tag for child in root] == ["Folkbokforingsposter"]


def test_returns_the_number_of_posts(tmp_path: Path) -> None:
    posts = (post(number) for number in TEST_IDS)
    assert write_delivery(tmp_path / "out.xml", posts) == len(TEST_IDS)


def test_same_input_gives_same_bytes() -> None:
    posts = [post(number) for number in TEST_IDS]
    assert written(posts) == written(posts)


def test_posts_given_as_bytes_are_written_like_elements() -> None:
    elements = [post(number) for number in TEST_IDS]
    buffer = io.BytesIO()
    write_delivery(buffer, [etree.tostring(element) for element in elements])
    assert buffer.getvalue() == written(elements)


def test_header_is_written_before_the_posts() -> None:
    header = etree.parse(str(HEADER)).getroot().find("Aviseringsinformation")
    buffer = io.BytesIO()
    write_delivery(buffer, [post(TEST_IDS[0])], header)
    root = etree.fromstring(buffer.getvalue())
    assert [child.tag for child in root] == [
        "Aviseringsinformation",
        "Folkbokforingsposter",
    ]


@pytest.mark.parametrize("name", ["Łukasz", "Zoë €"])
def test_character_outside_latin1_is_kept_as_a_reference(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / "latin1.xml"
    write_delivery(path, [post(TEST_IDS[0], name)], encoding="ISO-8859-1")
    with read_delivery(path) as navet:
        element = etree.fromstring(next(navet.posts()).xml)
    assert element.findtext("Personpost/Namn/Fornamn") == name


@pytest.mark.parametrize(
    "bad",
    [
        etree.fromstring("<Personpost/>"),
        b"<Personpost/>",
        b'<!DOCTYPE x [<!ENTITY e "e">]><Folkbokforingspost/>',
        b"<Folkbokforingspost>",
    ],
)
def test_something_other_than_a_post_is_refused(bad: etree._Element | bytes) -> None:
    with pytest.raises(DeliveryError, match="post 2"):
        written([post(TEST_IDS[0]), bad])  # type: ignore[list-item]


def test_header_other_than_aviseringsinformation_is_refused() -> None:
    with pytest.raises(DeliveryError, match="Aviseringsinformation"):
        write_delivery(io.BytesIO(), [], etree.fromstring("<Filinformation/>"))


def test_empty_delivery_is_still_a_navetavisering(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    assert write_delivery(path, []) == 0
    with read_delivery(path) as navet:
        assert list(navet.posts()) == []
