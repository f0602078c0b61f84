"""LookupResidentForFullProfile 1.1 end to end: official zeep client, real server.

Every response payload is validated against the OFFICIAL Responder XSD by the
``Caller`` (conftest); these tests check what the answer says.
"""

from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import Engine, text
from zeep.exceptions import Fault

from regionnav.audit import AuditTrail
from tests.journeys.lookup.conftest import (
    JOURNAL,
    KOMMUN,
    PRIVILEGED,
    Caller,
    residentmaster_at,
)

RM = "urn:riv:population:residentmaster:1"
EXT = "urn:riv:population:residentmaster:1.1"
NS = {"rm": RM, "x": EXT}

ORDINARY = "197611042396"
CHILD = "201209272382"
MOTHER = "197801202388"
DECEASED = "196304213389"
WIDOWER = "197904052391"
EMIGRATED = "198108232383"
OLD_NUMBER = "198211012383"
NEW_NUMBER = "198401102390"
SAMORDNING = "198503209895"
SEKRETESS = "198605302390"
SKYDDAD = "198708162386"
INCOMPLETE = "198811072399"
LONG_NAMES = "201105162380"
UNKNOWN = "195302022255"
AVISERINGSNAMN = "Gyllenstierna af Lundholm, Charlott"
EVERYONE = [
    ORDINARY, CHILD, MOTHER, DECEASED, WIDOWER, EMIGRATED, OLD_NUMBER,
    NEW_NUMBER, SAMORDNING, SEKRETESS, SKYDDAD, INCOMPLETE, LONG_NAMES,
]  # fmt: skip


def lookup(caller: Caller, ids: list[str], consumer: str = JOURNAL) -> etree._Element:
    caller.call(
        "LookupResidentForFullProfile",
        consumer=consumer,
        personId=ids,
        lookUpSpecification={},
    )
    return caller.last_payload()


def residents(payload: etree._Element) -> dict[str, etree._Element]:
    found = payload.findall("{*}resident")
    return {r.findtext("rm:Personpost/rm:PersonId", namespaces=NS): r for r in found}


P = "rm:Personpost/"
ADDRESS = P + "rm:Folkbokforingsadress/"
DEREGISTRATION = P + "rm:Avregistrering/"
RELATION = P + "x:Relationer/rm:Relation"


FIELDS = [
    (ORDINARY, P + "rm:Kon", "M"),
    (ORDINARY, P + "rm:Fodelsetid", "19761104"),
    (ORDINARY, "rm:SenasteAndringFolkbokforing", "20240310"),
    (ORDINARY, ADDRESS + "rm:PostNr", "972 34"),
    (ORDINARY, ADDRESS + "rm:KommunKod", "80"),
    (ORDINARY, ADDRESS + "rm:Utdelningsadress1", "SJÖGÅRDEN"),
    (ORDINARY, ADDRESS + "rm:CareOf", "C/O ANDERSSON"),
    (ORDINARY, ADDRESS + "x:Folkbokforingsdatum", "20240310"),
    (ORDINARY, P + "rm:SarskildPostadress/rm:PostNr", "971 01"),
    (ORDINARY, P + "rm:Namn/rm:Efternamn", "Östlund"),
    (ORDINARY, P + "x:Civilstand/rm:CivilstandKod", "G"),
    (CHILD, P + "rm:Kon", "K"),
    (CHILD, RELATION + "[1]/rm:Relationstyp", "MO"),
    (CHILD, RELATION + "[1]/rm:Status", "NY"),
    (CHILD, RELATION + "[4]/rm:RelationId/rm:PersonNr", WIDOWER),
    (MOTHER, RELATION + "[2]/rm:Relationstyp", "VF"),
    (DECEASED, DEREGISTRATION + "rm:AvregistreringsorsakKod", "AV"),
    (DECEASED, DEREGISTRATION + "rm:Avregistreringsdatum", "20231224"),
    (WIDOWER, P + "x:Civilstand/rm:CivilstandKod", "A"),
    (WIDOWER, RELATION + "[1]/rm:Status", "AV"),
    (WIDOWER, RELATION + "[2]/rm:RelationId/rm:FodelsetidNr", "195001010000"),
    (EMIGRATED, DEREGISTRATION + "rm:AvregistreringsorsakKod", "OO"),
    (EMIGRATED, DEREGISTRATION + "x:AvregistreringsorsakKodKomplett", "UV"),
    (EMIGRATED, P + "x:Utlandsadress/rm:Land", "FRANKRIKE"),
    (OLD_NUMBER, DEREGISTRATION + "rm:AvregistreringsorsakKod", "GN"),
    (OLD_NUMBER, P + "x:HanvisningsPersonNr", NEW_NUMBER),
    (NEW_NUMBER, P + "x:HanvisningsPersonNr", OLD_NUMBER),
    (SAMORDNING, P + "rm:SarskildPostadress/rm:CareOf", "C/O LUNDQVIST"),
    (SAMORDNING, P + "x:Fodelse/rm:OrtUtlandet/rm:Fodelseland", "FRANKRIKE"),
    (INCOMPLETE, DEREGISTRATION + "rm:Avregistreringsdatum", "20230000"),
    (INCOMPLETE, DEREGISTRATION + "x:AvregistreringsorsakKodKomplett", "OB"),
    (INCOMPLETE, P + "x:Invandring/rm:Invandringsdatum", "1989"),
    (INCOMPLETE, ADDRESS + "x:Folkbokforingsdatum", "19890000"),
    (LONG_NAMES, P + "rm:Namn/rm:Aviseringsnamn", AVISERINGSNAMN),
    (LONG_NAMES, P + "rm:Namn/rm:Tilltalsnamnsmarkering", "23"),
]  # fmt: skip


@pytest.fixture(scope="module")
def everyone(
    shared_server: str, schema_11: etree.XMLSchema
) -> dict[str, etree._Element]:
    """Every kind of person, asked for in one call on a shared SQLite hub."""
    return residents(lookup(residentmaster_at(shared_server, schema_11), EVERYONE))


@pytest.mark.parametrize(("person_id", "path", "expected"), FIELDS)
def test_lookup_maps_navet_field(
    everyone: dict[str, etree._Element], person_id: str, path: str, expected: str
) -> None:
    assert everyone[person_id].findtext(path, namespaces=NS) == expected


@pytest.mark.parametrize(
    ("person_id", "path"),
    [
        (INCOMPLETE, "rm:Personpost/rm:Fodelsetid"),
        (INCOMPLETE, "rm:SenasteAndringFolkbokforing"),
        (INCOMPLETE, "rm:Personpost/x:Civilstand/rm:Civilstandsdatum"),
        (ORDINARY, "rm:Personpost/x:Fodelse/rm:HemortSverige/rm:Fodelseforsamling"),
        (SAMORDNING, "rm:Personpost/rm:Folkbokforingsadress"),
    ],
)
def test_lookup_leaves_out_what_the_contract_cannot_carry(
    everyone: dict[str, etree._Element], person_id: str, path: str
) -> None:
    assert everyone[person_id].find(path, namespaces=NS) is None


def test_lookup_answers_every_found_person_once(
    everyone: dict[str, etree._Element],
) -> None:
    assert sorted(everyone) == sorted(EVERYONE)


def test_lookup_unknown_person_gets_no_resident(residentmaster: Caller) -> None:
    assert list(residents(lookup(residentmaster, [UNKNOWN, ORDINARY]))) == [ORDINARY]


@pytest.mark.parametrize("person_id", [SEKRETESS, SKYDDAD])
def test_lookup_protected_person_is_masked(
    everyone: dict[str, etree._Element], person_id: str
) -> None:
    resident = everyone[person_id]
    shape = [child.tag for child in resident.iter()]
    assert shape == [
        resident.tag,
        f"{{{RM}}}Sekretessmarkering",
        f"{{{RM}}}Personpost",
        f"{{{RM}}}PersonId",
        f"{{{EXT}}}Relationer",
    ]
    assert resident.findtext("rm:Sekretessmarkering", namespaces=NS) == "J"


def test_lookup_unmasked_right_sees_protected_record(residentmaster: Caller) -> None:
    resident = residents(lookup(residentmaster, [SKYDDAD], PRIVILEGED))[SKYDDAD]
    assert resident.findtext("rm:Sekretessmarkering", namespaces=NS) == "J"
    assert resident.findtext("rm:Personpost/rm:Namn/rm:Efternamn", namespaces=NS)


def test_lookup_outside_scope_is_answered_as_not_found(residentmaster: Caller) -> None:
    answered = residents(lookup(residentmaster, [ORDINARY, EMIGRATED, SKYDDAD], KOMMUN))
    assert list(answered) == [ORDINARY]


def test_lookup_audits_each_person_once_with_its_result(
    residentmaster: Caller, hub: Engine
) -> None:
    lookup(residentmaster, [ORDINARY, SEKRETESS, UNKNOWN, ORDINARY])
    results = {
        person_id: [entry.result for entry in AuditTrail(hub).person(person_id)]
        for person_id in (ORDINARY, SEKRETESS, UNKNOWN)
    }
    assert results == {
        ORDINARY: ["found"],
        SEKRETESS: ["masked"],
        UNKNOWN: ["not_found"],
    }


def test_lookup_audits_out_of_scope_and_unmasked(
    residentmaster: Caller, hub: Engine
) -> None:
    lookup(residentmaster, [EMIGRATED], KOMMUN)
    lookup(residentmaster, [SKYDDAD], PRIVILEGED)
    trail = AuditTrail(hub)
    assert [e.result for e in trail.person(EMIGRATED)] == ["out_of_scope"]
    assert [e.result for e in trail.person(SKYDDAD)] == ["unmasked"]


def test_lookup_fails_with_server_fault_when_audit_cannot_be_written(
    residentmaster: Caller, hub: Engine
) -> None:
    with hub.begin() as connection:
        connection.execute(text("ALTER TABLE audit.audit_trail RENAME TO audit_away"))
    try:
        with pytest.raises(Fault, match="could not be recorded") as raised:
            lookup(residentmaster, [ORDINARY])
    finally:
        with hub.begin() as connection:
            connection.execute(
                text("ALTER TABLE audit.audit_away RENAME TO audit_trail")
            )
    assert raised.value.code.endswith("Server")


def test_lookup_answers_a_thousand_ids_in_one_call(residentmaster: Caller) -> None:
    ids = EVERYONE + [f"1900010{n:05d}" for n in range(1000 - len(EVERYONE))]
    assert len(residents(lookup(residentmaster, ids))) == len(EVERYONE)


def test_lookup_historic_moment_answers_the_record_then(residentmaster: Caller) -> None:
    residentmaster.call(
        "LookupResidentForFullProfile",
        personId=[ORDINARY, CHILD],
        lookUpSpecification={"historiskTidpunkt": "20210101000000"},
    )
    answered = residents(residentmaster.last_payload())
    address = "rm:Personpost/rm:Folkbokforingsadress/rm:Utdelningsadress2"
    assert list(answered) == [ORDINARY]
    assert answered[ORDINARY].findtext(address, namespaces=NS) == "GAMLA VÄGEN 1"


def test_lookup_historic_moment_keeps_a_now_protected_person_masked(
    residentmaster: Caller,
) -> None:
    residentmaster.call(
        "LookupResidentForFullProfile",
        personId=[SEKRETESS],
        lookUpSpecification={"historiskTidpunkt": "20210101000000"},
    )
    resident = residents(residentmaster.last_payload())[SEKRETESS]
    assert resident.find("rm:Personpost/rm:Namn", namespaces=NS) is None
