"""GetPersonsForProfile 5.0 records, each validated against the official XSD."""

from __future__ import annotations

import pytest
from lxml import etree

from services.persons.contract import SAMORDNINGSNUMMER_OID, V5, Profile, Version
from services.persons.record5 import person_record

from .people import (
    CURRENT,
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

NS = {"c": V5.core}

# Where each block of ordinary.xml first appears; None: never (not in Navet).
FIRST_PROFILE = [
    ("c:name", Profile.P1),
    ("c:birth/c:dateOfBirth", Profile.P1),
    ("c:populationRegistrationLocality/c:countyCode", Profile.P1),
    ("c:populationRegistrationLocality/c:municipalityCode", Profile.P2),
    ("c:populationRegistrationRecord/c:notificationCase", Profile.P2),
    ("c:addressInformation/c:residentialAddress", Profile.P2),
    ("c:addressInformation/c:UUID", Profile.P2),
    ("c:birth/c:placeOfBirthSweden", Profile.P4),
    ("c:maritalStatus", Profile.P4),
    ("c:immigration", Profile.P4),
    ("c:citizenship", Profile.P4),
    ("c:relationship", Profile.P4),
    ("c:populationRegistrationRecord/c:historicalRecords", Profile.P5),
    ("c:contactInformation", None),
    ("c:updatePersonActor", None),
]

MASKED_CHILDREN = [
    "personalIdentity",
    "gender",
    "protectedPersonIndicator",
    "testIndicator",
    "primaryIdentity",
    "birth",
    "protectedPopulationRecord",
]


def record(
    person_id: str, profile: Profile = Profile.P5, masked: bool = False
) -> etree._Element:
    return person_record(subject(person_id), profile, masked)


def first(element: etree._Element, path: str) -> str:
    found = element.xpath(f"{path}/text()", namespaces=NS)
    assert isinstance(found, list) and found, path
    return str(found[0])


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("person_id", sorted(POST_FILES))
@pytest.mark.parametrize("masked", [False, True])
def test_every_record_is_valid_against_the_official_xsd(
    schemas: dict[Version, etree.XMLSchema],
    person_id: str,
    profile: Profile,
    masked: bool,
) -> None:
    document = wrapped(V5, person_id, record(person_id, profile, masked))
    assert_valid(schemas[V5], document)


@pytest.mark.parametrize(("path", "since"), FIRST_PROFILE)
@pytest.mark.parametrize("profile", list(Profile))
def test_each_profile_adds_its_own_blocks(
    path: str, since: Profile | None, profile: Profile
) -> None:
    present = bool(record(ORDINARY, profile).xpath(path, namespaces=NS))
    assert present == (since is not None and profile >= since)


def test_profile_3_answers_what_profile_2_does() -> None:
    p2 = etree.tostring(record(ORDINARY, Profile.P2))
    assert etree.tostring(record(ORDINARY, Profile.P3)) == p2


@pytest.mark.parametrize("person_id", [SEKRETESS, SKYDDAD])
@pytest.mark.parametrize("profile", list(Profile))
def test_masked_record_holds_only_the_minimal_form(
    person_id: str, profile: Profile
) -> None:
    masked = record(person_id, profile, masked=True)
    children = [etree.QName(child).localname for child in masked]
    assert children == MASKED_CHILDREN
    assert [etree.QName(c).localname for c in masked.find("c:birth", NS)] == [
        "dateOfBirth"
    ]


@pytest.mark.parametrize("person_id", [SEKRETESS, SKYDDAD])
def test_masked_record_names_no_name_place_or_relation(person_id: str) -> None:
    text = etree.tostring(
        record(person_id, Profile.P5, masked=True), encoding="unicode"
    )
    for value in ("Testa", "Exempelsson", "EXEMPELGATAN", "LULEÅ", "201001012390"):
        assert value not in text


@pytest.mark.parametrize(
    ("person_id", "sekretess", "skyddad"),
    [
        (ORDINARY, "false", "false"),
        (SEKRETESS, "true", "false"),
        (SKYDDAD, "false", "true"),
    ],
)
def test_protection_flags_follow_navet(
    person_id: str, sekretess: str, skyddad: str
) -> None:
    for masked in (False, True):
        answer = record(person_id, masked=masked)
        assert first(answer, "c:protectedPersonIndicator") == sekretess
        assert first(answer, "c:protectedPopulationRecord") == skyddad


def test_unmasked_protected_person_gets_the_full_profile() -> None:
    answer = record(SEKRETESS, Profile.P5)
    assert first(answer, "c:name/c:givenName") == "Testa Pröva"
    assert answer.xpath("c:relationship", namespaces=NS)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("c:version", "20240315101112"),
        ("c:gender", "1"),
        ("c:testIndicator", "false"),
        ("c:primaryIdentity", "true"),
        ("c:name/c:givenNameIndicator", "20"),
        ("c:birth/c:dateOfBirth/c:value", "1977-05-08"),
        ("c:immigration/c:immigrationDate/c:format", "YYYY"),
        ("c:immigration/c:immigrationDate/c:value", "1975"),
        ("c:immigration/c:immigrationIdentity/c:country", "NO"),
        ("c:maritalStatus/c:maritalStatusDate/c:value", "2005-06"),
        ("c:addressInformation/c:residentialAddress/c:postalCode", "97234"),
        ("c:addressInformation/c:specialPostalAddress/c:postalCode", "97235"),
        ("c:addressInformation/c:district/c:districtCode", "101233"),
        ("c:populationRegistrationLocality/c:municipalityCode", "80"),
        (
            "c:populationRegistrationRecord/c:notificationCase/c:recordId",
            "2024.123.456.789",
        ),
        (
            "c:populationRegistrationRecord/c:notificationCase/c:modificationTime",
            "2024-03-15T10:11:12",
        ),
        (
            "c:populationRegistrationRecord/c:historicalRecords"
            "/c:historicalAddress/c:city",
            "PITEÅ",
        ),
        ("c:relationship[c:relationshipType='B']/c:status", "NY"),
        (
            "c:relationship[c:relationshipType='FA']/c:relationshipId/c:dateOfBirth/c:value",
            "1945-02-03",
        ),
        (
            "c:relationship[c:relationshipType='FA']/c:deregistration/c:deregistrationDate/c:format",
            "YYYY",
        ),
    ],
)
def test_ordinary_person_values(path: str, expected: str) -> None:
    assert first(record(ORDINARY), path) == expected


def test_hidden_numbers_are_named_neither_as_relation_nor_as_other_number() -> None:
    spouse, new_number = "198002182395", CURRENT
    answer = person_record(
        subject(REPLACED).hiding(frozenset({new_number})), Profile.P5, False
    )
    assert new_number not in etree.tostring(answer, encoding="unicode")
    answer = person_record(
        subject(ORDINARY).hiding(frozenset({spouse})), Profile.P5, False
    )
    assert first(answer, "c:relationship/c:relationshipType") == "B"
    assert spouse not in etree.tostring(answer, encoding="unicode")


def test_unknown_citizenship_date_is_left_out() -> None:
    swedish = record(ORDINARY).xpath(
        "c:citizenship[c:citizenshipCountryCode='SE']", namespaces=NS
    )
    assert [etree.QName(c).localname for c in swedish[0]] == ["citizenshipCountryCode"]


def test_samordningsnummer_is_answered_with_its_oid_and_identity_data() -> None:
    answer = record(SAMORDNING)
    assert first(answer, "c:personalIdentity/c:root") == SAMORDNINGSNUMMER_OID
    assert first(answer, "c:identityLevel") == "STYRKT"
    assert first(answer, "c:personalIdentityStatus/c:identityStatus") == "AKTIVT"
    assert (
        first(answer, "c:coOrdinationNumberData/c:allocationDate/c:value")
        == "2022-01-01"
    )
    assert first(answer, "c:addressInformation/c:addressAbroad/c:countryCode") == (
        "STORBRITANNIEN"
    )
    assert first(answer, "c:birth/c:birthAbroad/c:placeOfBirthAbroad") == "LONDON"


def test_deceased_person_has_deregistration_and_date_found_dead() -> None:
    answer = record(DECEASED, Profile.P1)
    assert first(answer, "c:deregistration/c:deregistrationReasonCode") == "AV"
    assert first(answer, "c:deregistration/c:deregistrationDate/c:value") == "2016-01"
    assert first(answer, "c:deregistration/c:foundDeadAtDate/c:value") == "2016-02-12"
    assert first(answer, "c:gender") == "2"
    assert first(answer, "c:version") == "20240601000000"


def test_replaced_number_is_not_primary_and_refers_to_the_new_one() -> None:
    answer = record(REPLACED, Profile.P1)
    assert first(answer, "c:primaryIdentity") == "false"
    assert (
        first(
            answer,
            "c:referredPersonalIdentities/c:referredPersonalIdentity/c:extension",
        )
        == CURRENT
    )
    assert first(answer, "c:linkedIdentity/c:primaryIdentity") == "false"
