"""GetPersonsForProfile 3.1 records, each validated against the official XSD."""

from __future__ import annotations

import pytest
from lxml import etree

from services.persons.contract import V3, Profile, Version
from services.persons.record3 import person_record

from .people import (
    DECEASED,
    ORDINARY,
    POST_FILES,
    REPLACED,
    SAMORDNING,
    SEKRETESS,
    SKYDDAD,
    assert_valid,
    subject,
    wrapped,
)

NS = {"c": V3.core, "x": V3.ext}

MASKED_CHILDREN = [
    f"{{{V3.core}}}personalIdentity",
    f"{{{V3.core}}}gender",
    f"{{{V3.core}}}protectedPersonIndicator",
    f"{{{V3.core}}}testIndicator",
    f"{{{V3.core}}}primaryIdentity",
    f"{{{V3.core}}}birth",
    f"{{{V3.ext}}}protectedPopulationRecord",
]


def record(
    person_id: str, profile: Profile = Profile.P5, masked: bool = False
) -> etree._Element:
    return person_record(subject(person_id), profile, masked)


def values(element: etree._Element, path: str) -> list[str]:
    found = element.xpath(f"{path}/text()", namespaces=NS)
    assert isinstance(found, list)
    return [str(value) for value in found]


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("person_id", sorted(POST_FILES))
@pytest.mark.parametrize("masked", [False, True])
def test_every_record_is_valid_against_the_official_xsd(
    schemas: dict[Version, etree.XMLSchema],
    person_id: str,
    profile: Profile,
    masked: bool,
) -> None:
    document = wrapped(V3, person_id, record(person_id, profile, masked))
    assert_valid(schemas[V3], document)


@pytest.mark.parametrize(
    ("path", "since"),
    [
        ("c:name", Profile.P1),
        ("c:populationRegistrationLocality/c:countyCode", Profile.P1),
        ("c:addressInformation/c:residentialAddress", Profile.P2),
        ("c:relationship", Profile.P4),
        ("c:populationRegistrationRecord/c:historicalRecords", Profile.P5),
    ],
)
@pytest.mark.parametrize("profile", list(Profile))
def test_each_profile_adds_its_own_blocks(
    path: str, since: Profile, profile: Profile
) -> None:
    present = bool(record(ORDINARY, profile).xpath(path, namespaces=NS))
    assert present == (profile >= since)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("c:name/c:givenName/c:name", ["Testa Pröva"]),
        ("c:name/c:givenName/c:attested", ["true"]),
        ("c:name/c:surname/c:attested", ["false"]),
        ("c:name/c:middleName", []),
        ("c:citizenship/c:citizenshipCountryCode/c:countryCode", ["SE", "NO"]),
        ("c:addressInformation/c:UUID", []),
        ("x:protectedPopulationRecord", ["false"]),
        ("c:protectedPopulationRecord", []),
    ],
)
def test_ordinary_person_in_the_31_shapes(path: str, expected: list[str]) -> None:
    assert values(record(ORDINARY), path) == expected


def test_place_of_birth_abroad_is_wrapped() -> None:
    path = "c:birth/c:birthAbroad/c:placeOfBirthAbroad/c:placeOfBirthAbroad"
    assert values(record(SAMORDNING), path) == ["LONDON"]


def test_found_dead_date_is_in_the_31_namespace() -> None:
    path = "c:deregistration/x:foundDeadAtDate/c:value"
    assert values(record(DECEASED, Profile.P1), path) == ["2016-02-12"]


def test_other_numbers_are_linked_identities_only() -> None:
    answer = record(REPLACED, Profile.P1)
    path = "c:linkedIdentity/c:referredPersonalIdentity/c:extension"
    assert values(answer, path) == ["195710142653"]
    assert values(answer, "c:primaryIdentity") == ["false"]


@pytest.mark.parametrize("person_id", [SEKRETESS, SKYDDAD])
@pytest.mark.parametrize("profile", list(Profile))
def test_masked_record_holds_only_the_minimal_form(
    person_id: str, profile: Profile
) -> None:
    masked = record(person_id, profile, masked=True)
    assert [child.tag for child in masked] == MASKED_CHILDREN
    text = etree.tostring(masked, encoding="unicode")
    for value in ("Testa", "Exempelsson", "EXEMPELGATAN", "201001012390"):
        assert value not in text
