"""Read, write and read again: every element and attribute survives unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.reader import read_delivery
from adapters.navet.writer import write_delivery

DATA = Path(__file__).parents[2] / "data" / "navet"
EVERY = DATA / "every-element.xml"
VARIANTS = DATA / "variants.xml"
SCHEMA = (
    Path(__file__).parents[4]
    / "shared"
    / "navet"
    / "skatteverket-epersondata"
    / "v4-na_webservices_xmls.7_2.28-2023"
    / "schema"
    / "Navetavisering.xsd"
)
XS = "{http://www.w3.org/2001/XMLSchema}"
ENCODINGS = ["ISO-8859-1", "UTF-8"]


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


class Declared:
    """Element names and (element, attribute) pairs a schema type can hold."""

    def __init__(self, xsd: etree._Element, type_name: str, owner: str) -> None:
        self.types = {n.get("name"): n for n in xsd.findall(XS + "complexType")}
        self.groups = {n.get("name"): n for n in xsd.findall(XS + "group")}
        self.elements: set[str] = {owner}
        self.attributes: set[tuple[str, str]] = set()
        self._content(self.types[type_name], owner)

    def _element(self, declaration: etree._Element) -> None:
        name = str(declaration.get("name"))
        self.elements.add(name)
        named = self.types.get(declaration.get("type"))
        for content in (named, declaration.find(XS + "complexType")):
            if content is not None:
                self._content(content, name)

    def _content(self, node: etree._Element, owner: str) -> None:
        for child in node:
            if child.tag == XS + "element":
                self._element(child)
            elif child.tag == XS + "attribute":
                self.attributes.add((owner, str(child.get("name"))))
            elif child.tag == XS + "group" and child.get("ref") in self.groups:
                self._content(self.groups[child.get("ref")], owner)
            else:
                if child.tag == XS + "extension" and child.get("base") in self.types:
                    self._content(self.types[child.get("base")], owner)
                self._content(child, owner)


def used(elements: Iterator[etree._Element]) -> tuple[set[str], set[tuple[str, str]]]:
    names: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    for top in elements:
        for element in top.iter(etree.Element):
            names.add(str(element.tag))
            attributes.update((str(element.tag), str(key)) for key in element.attrib)
    return names, attributes


def original_posts(path: Path) -> list[bytes]:
    root = etree.parse(str(path)).getroot()
    return [
        etree.tostring(post, method="c14n") for post in root.iter("Folkbokforingspost")
    ]


def rewrite(source: Path, target: Path, encoding: str) -> Path:
    header = etree.parse(str(source)).getroot().find("Aviseringsinformation")
    with read_delivery(source) as navet:
        write_delivery(target, (p.xml for p in navet.posts()), header, encoding)
    return target


def canonical_posts(path: Path) -> list[bytes]:
    with read_delivery(path) as navet:
        return [
            etree.tostring(etree.fromstring(post.xml), method="c14n")
            for post in navet.posts()
        ]


def test_every_element_file_is_valid_against_the_reference_schema() -> None:
    schema().assertValid(etree.parse(str(EVERY)))


@pytest.mark.parametrize(
    ("type_name", "owner"),
    [
        ("FolkbokforingspostTYPE", "Folkbokforingspost"),
        ("AviseringsinformationTYPE", "Aviseringsinformation"),
    ],
)
def test_every_element_file_uses_every_declared_element_and_attribute(
    type_name: str, owner: str
) -> None:
    declared = Declared(etree.parse(str(SCHEMA)).getroot(), type_name, owner)
    names, attributes = used(etree.parse(str(EVERY)).getroot().iter(owner))
    assert declared.elements - names == set()
    assert declared.attributes - attributes == set()


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("source", [EVERY, VARIANTS], ids=["every", "variants"])
def test_rewritten_posts_are_canonically_equal(
    tmp_path: Path, source: Path, encoding: str
) -> None:
    target = rewrite(source, tmp_path / "rewritten.xml", encoding)
    assert canonical_posts(target) == original_posts(source)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_rewritten_every_element_file_is_still_schema_valid(
    tmp_path: Path, encoding: str
) -> None:
    target = rewrite(EVERY, tmp_path / "rewritten.xml", encoding)
    schema().assertValid(etree.parse(str(target)))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_rewritten_header_is_canonically_equal(tmp_path: Path, encoding: str) -> None:
    target = rewrite(EVERY, tmp_path / "rewritten.xml", encoding)
    headers = [
        etree.tostring(
            etree.parse(str(path)).getroot()[0], method="c14n", with_comments=False
        )
        for path in (EVERY, target)
    ]
    assert headers[0] == headers[1]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_variant_posts_come_back_byte_for_byte(tmp_path: Path, encoding: str) -> None:
    target = rewrite(VARIANTS, tmp_path / "rewritten.xml", encoding)
    with read_delivery(VARIANTS) as first, read_delivery(target) as second:
        assert [p.xml for p in first.posts()] == [p.xml for p in second.posts()]


@pytest.mark.parametrize("source", [EVERY, VARIANTS], ids=["every", "variants"])
def test_facts_survive_the_round_trip(tmp_path: Path, source: Path) -> None:
    target = rewrite(source, tmp_path / "rewritten.xml", "ISO-8859-1")
    with read_delivery(source) as first, read_delivery(target) as second:
        assert [p.facts for p in first.posts()] == [p.facts for p in second.posts()]
