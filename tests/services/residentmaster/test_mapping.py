"""The Navet-to-ResidentType mapping: code lists, values, and schema validity.

Posts come from the Navet adapter's test files (``tests/data/navet``: every
element of the 2023 schema, and the variants real deliveries carry) and from
this package's deliveries; every mapped resident is validated against the
OFFICIAL 1.1 Responder XSD.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.facts import facts_of
from regionnav import xmlsafe
from regionnav.records import StoredPerson
from services.residentmaster import mapping
from services.residentmaster.codes import (
    civilstand_code,
    complete_code,
    reduced_code,
    sex_of,
)

TESTS = Path(__file__).resolve().parents[2]
NAVET_FILES = [
    TESTS / "data" / "navet" / "every-element.xml",
    TESTS / "data" / "navet" / "variants.xml",
    Path(__file__).parent / "data" / "delivery-2024.xml",
]
OFFICIAL = (
    TESTS.parents[1]
    / "shared/contracts/population.residentmaster.1.1/interactions"
    / "LookupResidentForFullProfileInteraction"
    / "LookupResidentForFullProfileResponder_1.1.xsd"
)
NS = {"rm": mapping.CORE, "x": mapping.EXT}


def posts(path: Path) -> list[etree._Element]:
    root = xmlsafe.fromstring(path.read_bytes(), 10_000_000)
    return root.findall("Folkbokforingsposter/Folkbokforingspost")


def stored(post: etree._Element) -> StoredPerson:
    xml = etree.tostring(post, encoding="UTF-8")
    return StoredPerson.of_post(xml, valid_from=facts_of(post).changed_at or 0)


def resident_of(post: etree._Element) -> etree._Element:
    person = stored(post)
    return mapping.add_resident(mapping.response(), person, mapping.parse_post(person))


@pytest.fixture(scope="module")
def official() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(OFFICIAL)))


@pytest.mark.parametrize("path", NAVET_FILES, ids=lambda path: path.name)
def test_every_post_maps_to_a_schema_valid_resident(
    path: Path, official: etree.XMLSchema
) -> None:
    response = mapping.response()
    for post in posts(path):
        person = stored(post)
        mapping.add_resident(response, person, mapping.parse_post(person))
    official.assertValid(response)
    assert len(response) == len(posts(path))


def test_masked_resident_is_schema_valid_and_minimal(official: etree.XMLSchema) -> None:
    response = mapping.response()
    mapping.add_masked(response, "198605302390")
    official.assertValid(response)
    assert len(list(response.iter())) == 6


@pytest.mark.parametrize(
    ("code", "id_kind", "reduced", "complete"),
    [
        ("AV", "PNR", "AV", "AV"),
        ("GN", "PNR", "GN", "GN"),
        ("UV", "PNR", "OO", "UV"),
        ("GS", "SNR", "OO", "GS"),
        ("AS", "SNR", "OO", "AS"),
        ("OB", "PNR", "OO", "OB"),
        ("TA", "PNR", "OO", "TA"),
        ("AN", "PNR", "OO", "AN"),
        ("FI", "PNR", "OO", None),
        ("A", "PNR", "AV", "AV"),
        ("G", "PNR", "GN", "GN"),
        ("G", "SNR", "OO", "GS"),
        ("O", "PNR", "OO", None),
    ],
)
def test_deregistration_code_translates(
    code: str, id_kind: str, reduced: str, complete: str | None
) -> None:
    assert (reduced_code(code, id_kind), complete_code(code, id_kind)) == (
        reduced,
        complete,
    )


@pytest.mark.parametrize(
    ("navet", "riv"), [("Ä", "A"), ("OG", "OG"), ("RP", "RP"), ("X", None)]
)
def test_civilstand_code_translates(navet: str, riv: str | None) -> None:
    assert civilstand_code(navet) == riv


@pytest.mark.parametrize(
    ("person_id", "sex"),
    [("197611042396", "M"), ("197801202388", "K"), ("198503209895", "M"), ("x", None)],
)
def test_sex_comes_from_the_eleventh_digit(person_id: str, sex: str | None) -> None:
    assert sex_of(person_id) == sex


def test_legacy_g_with_unknown_date_keeps_the_code_only() -> None:
    post = posts(NAVET_FILES[1])[2]  # 197605102388: G, Avregistreringsdatum 0
    resident = resident_of(post)
    komplett = "rm:Personpost/rm:Avregistrering/x:AvregistreringsorsakKodKomplett"
    assert resident.findtext(komplett, namespaces=NS) == "GN"
    assert (
        resident.find("rm:Personpost/rm:Avregistrering/rm:Avregistreringsdatum", NS)
        is None
    )


@pytest.mark.parametrize(
    ("navet", "riv"),
    [("97234", "972 34"), ("972 34", "972 34"), ("1234", None), ("ABCDE", None)],
)
def test_postnr_becomes_six_characters(navet: str, riv: str | None) -> None:
    post = posts(NAVET_FILES[2])[0]
    post.find("Personpost/Adresser/Folkbokforingsadress/PostNr").text = navet  # type: ignore[union-attr]
    resident = resident_of(post)
    path = "rm:Personpost/rm:Folkbokforingsadress/rm:PostNr"
    assert resident.findtext(path, namespaces=NS) == riv


@pytest.mark.parametrize(
    ("fodelsedatum", "fodelsetid"),
    [("19761104", "19761104"), ("19761100", None), ("0", None), (None, "19761104")],
)
def test_birth_date_is_a_full_date_or_left_out(
    fodelsedatum: str | None, fodelsetid: str | None
) -> None:
    post = posts(NAVET_FILES[2])[0]
    element = post.find("Personpost/Fodelsedatum")
    assert element is not None
    if fodelsedatum is None:
        element.getparent().remove(element)  # type: ignore[union-attr]
    else:
        element.text = fodelsedatum
    resident = resident_of(post)
    assert resident.findtext("rm:Personpost/rm:Fodelsetid", namespaces=NS) == fodelsetid
