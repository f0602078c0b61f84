"""A residentmaster 1.0 consumer keeps working against the 1.1 endpoint.

The client is built from the OFFICIAL 1.0 WSDL (the 1.0.0 package; the 1.1
package's copy does not load) and every payload is validated against the
official 1.0 Responder XSD, with only its broken PersonId pattern repaired
(see the ``schema_10`` fixture).
"""

from __future__ import annotations

import pytest
from lxml import etree

from tests.journeys.lookup.conftest import WSDL_10, Caller, residentmaster_at
from tests.journeys.lookup.test_residentmaster import (
    DECEASED,
    EMIGRATED,
    EVERYONE,
    NS,
    ORDINARY,
    SEKRETESS,
    residents,
)


@pytest.fixture(scope="module")
def old_consumer(shared_server: str, schema_10: etree.XMLSchema) -> Caller:
    return residentmaster_at(shared_server, schema_10, WSDL_10)


def lookup_10(
    caller: Caller, specification: dict[str, str]
) -> dict[str, etree._Element]:
    caller.call(
        "LookupResidentForFullProfile",
        personId=EVERYONE,
        lookUpSpecification=specification,
    )
    return residents(caller.last_payload())


def test_old_consumer_gets_every_person_valid_for_its_schema(
    old_consumer: Caller,
) -> None:
    assert sorted(lookup_10(old_consumer, {})) == sorted(EVERYONE)


def test_old_consumer_sees_the_reduced_deregistration_code(
    old_consumer: Caller,
) -> None:
    answered = lookup_10(old_consumer, {})
    path = "rm:Personpost/rm:Avregistrering/rm:AvregistreringsorsakKod"
    assert answered[EMIGRATED].findtext(path, namespaces=NS) == "OO"
    assert answered[ORDINARY].find(path, namespaces=NS) is None


@pytest.mark.parametrize(
    ("specification", "expected"),
    [
        ({"Avregistreringsorsak": "AV"}, {DECEASED}),
        ({"Sekretessmarkering": "J", "Avregistreringsorsak": "AV"}, set()),
    ],
)
def test_old_consumer_filter_works(
    old_consumer: Caller, specification: dict[str, str], expected: set[str]
) -> None:
    assert set(lookup_10(old_consumer, specification)) == expected


def test_old_consumer_gets_protected_person_masked(old_consumer: Caller) -> None:
    resident = lookup_10(old_consumer, {})[SEKRETESS]
    assert resident.find("rm:Personpost/rm:Namn", namespaces=NS) is None
