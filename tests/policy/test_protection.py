"""Which numbers an answer may name (regionnav.protection), on a real mirror.

The mirror is filled by the importer from two small deliveries (2020, 2024)
of Skatteverket's test personnummer; the grants are those a policy hands out,
with and without the unmasked right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine

from regionnav.mirror import import_delivery
from regionnav.policy import Grant, Policy
from regionnav.protection import hidden_numbers, named_numbers
from regionnav.records import Records
from tests.mirror.deliveries import PostSpec, post, write
from tests.policy.helpers import HUB, HUB_ADDRESS

ORDINARY = "194107086995"
SEKRETESS = "195301221866"
SKYDDAD = "196001189114"
LATER = "201001012382"  # protected from 2024 on
LIFTED = "189001019802"  # protected until 2024
NOT_IN_MIRROR = "189001029819"
BETWEEN = 20220101000000

WITHOUT_RIGHT = Grant("SE2321000230-JOUR", "persons", HUB_ADDRESS, 5, unmasked=False)
WITH_RIGHT = Grant("SE2321000230-FULL", "persons", HUB_ADDRESS, 5, unmasked=True)


@pytest.fixture
def records(sqlite_engine: Engine, tmp_path: Path) -> Records:
    early = "20200101120000"
    write(
        tmp_path / "2020.xml",
        [
            PostSpec(ORDINARY, early),
            PostSpec(SEKRETESS, early, sekretess="J"),
            PostSpec(SKYDDAD, early, sekretess="N", skyddad="J"),
            PostSpec(LATER, early, sekretess="N"),
            PostSpec(LIFTED, early, skyddad="J"),
        ],
    )
    late = "20240101120000"
    write(
        tmp_path / "2024.xml",
        [PostSpec(LATER, late, sekretess="J"), PostSpec(LIFTED, late, skyddad="N")],
    )
    for name in ("2020.xml", "2024.xml"):
        import_delivery(sqlite_engine, tmp_path / name)
    return Records(sqlite_engine)


@pytest.fixture
def policy(sqlite_engine: Engine) -> Policy:
    return Policy(sqlite_engine, HUB)


EVERYONE = [ORDINARY, SEKRETESS, SKYDDAD, LATER, LIFTED, NOT_IN_MIRROR]


@pytest.mark.parametrize(
    ("moment", "hidden"),
    [
        (None, {SEKRETESS, SKYDDAD, LATER}),
        (BETWEEN, {SEKRETESS, SKYDDAD, LATER, LIFTED}),
    ],
    ids=["now", "as-of-2022"],
)
def test_protected_numbers_are_hidden_from_a_consumer_without_the_right(
    policy: Policy, records: Records, moment: int | None, hidden: set[str]
) -> None:
    found = hidden_numbers(policy, WITHOUT_RIGHT, records, EVERYONE, moment)
    assert found == hidden


@pytest.mark.parametrize("moment", [None, BETWEEN], ids=["now", "as-of-2022"])
def test_nothing_is_hidden_from_a_consumer_with_the_right(
    policy: Policy, records: Records, moment: int | None
) -> None:
    assert hidden_numbers(policy, WITH_RIGHT, records, EVERYONE, moment) == set()


def test_no_numbers_hide_nothing(policy: Policy, records: Records) -> None:
    assert hidden_numbers(policy, WITHOUT_RIGHT, records, []) == frozenset()


def relations(*numbers: str) -> etree._Element:
    block = etree.Element("Relationer")
    for number in numbers:
        element = etree.SubElement(block, "Relation")
        identity = etree.SubElement(element, "RelationId")
        etree.SubElement(identity, "PersonNr").text = number
        etree.SubElement(element, "Relationstyp").text = "B"
    return block


def test_a_post_names_its_relations_and_referrals_but_not_itself() -> None:
    spec = PostSpec(
        ORDINARY, hanvisning=SKYDDAD, extra=[relations(SEKRETESS, ORDINARY)]
    )
    assert named_numbers(post(spec)) == {SEKRETESS, SKYDDAD}


def test_a_post_without_relations_or_referrals_names_no_one() -> None:
    assert named_numbers(post(PostSpec(ORDINARY))) == set()
