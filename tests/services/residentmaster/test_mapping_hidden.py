"""A full resident names no number the caller marks hidden (protected persons).

The post is an ordinary person's (Skatteverket test personnummer) who refers
to a new number and relates to two persons; the resident is mapped with and
without some of those numbers hidden and validated against the OFFICIAL 1.1
Responder XSD.
"""

from __future__ import annotations

import pytest
from lxml import etree

from services.residentmaster import mapping
from tests.mirror.deliveries import PostSpec, post
from tests.services.residentmaster.test_mapping import NS, OFFICIAL, stored

PERSON = "194107086995"
NEW_NUMBER = "195301221866"
CHILD = "201001012382"
PARENT = "189001019802"


def navet_post() -> etree._Element:
    block = etree.Element("Relationer")
    for number, kind, name in ((CHILD, "B", "Barnet"), (PARENT, "FA", "Fadern")):
        relation = etree.SubElement(block, "Relation")
        identity = etree.SubElement(relation, "RelationId")
        etree.SubElement(identity, "PersonNr").text = number
        etree.SubElement(relation, "Relationstyp").text = kind
        etree.SubElement(etree.SubElement(relation, "Namn"), "Fornamn").text = name
    return post(PostSpec(PERSON, hanvisning=NEW_NUMBER, extra=[block]))


def resident(hidden: frozenset[str]) -> etree._Element:
    person = stored(navet_post())
    response = mapping.response()
    mapping.add_resident(response, person, mapping.parse_post(person), hidden)
    etree.XMLSchema(etree.parse(str(OFFICIAL))).assertValid(response)
    return response


def texts(response: etree._Element, path: str) -> list[str]:
    return [str(text) for text in response.xpath(f"{path}/text()", namespaces=NS)]


RELATED = "//rm:Relation/rm:RelationId/rm:PersonNr"
REFERRAL = "//rm:Personpost/x:HanvisningsPersonNr"


@pytest.mark.parametrize(
    ("hidden", "related", "referral"),
    [
        (frozenset(), [CHILD, PARENT], [NEW_NUMBER]),
        (frozenset({CHILD}), [PARENT], [NEW_NUMBER]),
        (frozenset({NEW_NUMBER, PARENT}), [CHILD], []),
    ],
    ids=["none-hidden", "child-hidden", "new-number-and-parent-hidden"],
)
def test_hidden_numbers_are_named_neither_as_relation_nor_as_referral(
    hidden: frozenset[str], related: list[str], referral: list[str]
) -> None:
    answer = resident(hidden)
    assert texts(answer, RELATED) == related
    assert texts(answer, REFERRAL) == referral


def test_relation_to_a_hidden_number_is_left_out_with_its_name() -> None:
    answer = resident(frozenset({CHILD}))
    assert texts(answer, "//rm:Relation/rm:Namn/rm:Fornamn") == ["Fadern"]
