"""GetPersonsForProfile over the wire: official zeep clients, a running server.

Every test runs once against 5.0 and once against 3.1 (the ``persons``
fixture), on SQLite and PostgreSQL; every payload received is validated
against the official Responder XSD.
"""

from __future__ import annotations

from typing import Any

import pytest
import zeep
from lxml import etree
from sqlalchemy import Engine
from zeep.exceptions import Fault

from regionnav.audit import AuditTrail
from services.persons.contract import SAMORDNINGSNUMMER_OID

from .conftest import HUB_ADDRESS, JOURNAL, LOW, PING_ONLY, PITEA, PRIVILEGED, Caller
from .people import (
    CURRENT,
    HIDDEN_CURRENT,
    HIDDEN_REPLACED,
    ORDINARY,
    REPLACED,
    SAMORDNING,
    SEKRETESS,
    SKYDDAD,
    UNKNOWN,
)

NRID_OID = "1.2.752.74.9.1"
PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"


def items(caller: Caller, payload: etree._Element) -> list[etree._Element]:
    return list(
        payload.iterfind(f"{{{caller.version.responder}}}requestedPersonRecord")
    )


def texts(caller: Caller, element: etree._Element, path: str) -> list[str]:
    namespaces = {"c": caller.version.core}
    return [str(t) for t in element.xpath(f"{path}/text()", namespaces=namespaces)]


def record(caller: Caller, payload: etree._Element) -> etree._Element:
    (only,) = items(caller, payload)
    found = only.find(f"{{{caller.version.core}}}personRecord")
    assert found is not None
    return found


@pytest.mark.parametrize("profile", ["P1", "P2", "P3", "P4", "P5"])
def test_found_person_is_answered_in_every_profile(
    persons: Caller, profile: str
) -> None:
    answer = record(persons, persons.get(ORDINARY, profile=profile))
    assert texts(persons, answer, "c:personalIdentity/c:extension") == [ORDINARY]
    has_relations = bool(texts(persons, answer, "c:relationship/c:relationshipType"))
    assert has_relations == (profile in ("P4", "P5"))


def test_one_record_per_requested_id_in_request_order(persons: Caller) -> None:
    asked = [
        (PERSONNUMMER_OID, ORDINARY),
        (PERSONNUMMER_OID, UNKNOWN),
        (NRID_OID, ORDINARY),
        (PERSONNUMMER_OID, ORDINARY),
        (SAMORDNINGSNUMMER_OID, SAMORDNING),
        (PERSONNUMMER_OID, "19770508-2399"),
    ]
    answered = items(persons, persons.get(*asked))

    echoed = [
        (
            texts(persons, item, "c:requestedPersonalIdentity/c:root")[0],
            texts(persons, item, "c:requestedPersonalIdentity/c:extension")[0],
        )
        for item in answered
    ]
    assert echoed == asked
    found = [
        item.find(f"{{{persons.version.core}}}personRecord") is not None
        for item in answered
    ]
    assert found == [True, False, False, True, True, False]


def test_samordningsnummer_asked_under_the_personnummer_oid_gets_its_own_oid(
    persons: Caller,
) -> None:
    answer = record(persons, persons.get(SAMORDNING))
    assert texts(persons, answer, "c:personalIdentity/c:root") == [
        SAMORDNINGSNUMMER_OID
    ]


@pytest.mark.parametrize("person_id", [SEKRETESS, SKYDDAD])
def test_protected_person_is_masked_without_the_right(
    persons: Caller, person_id: str
) -> None:
    answer = record(persons, persons.get(person_id, profile="P5"))
    assert texts(persons, answer, "c:name/*") == []
    assert texts(persons, answer, ".//c:residentialAddress/c:city") == []
    assert texts(persons, answer, "c:relationship/c:relationshipType") == []
    assert texts(persons, answer, "c:personalIdentity/c:extension") == [person_id]


@pytest.mark.parametrize("person_id", [SEKRETESS, SKYDDAD])
def test_protected_person_is_unmasked_with_the_right(
    persons: Caller, person_id: str
) -> None:
    answer = record(persons, persons.get(person_id, profile="P5", consumer=PRIVILEGED))
    assert texts(persons, answer, ".//c:residentialAddress/c:city") == ["LULEÅ"]
    assert texts(persons, answer, "c:relationship/c:relationshipType") == [
        "M",
        "B",
        "FA",
    ]


def test_replaced_number_is_answered_with_the_current_record(persons: Caller) -> None:
    answer = record(persons, persons.get(REPLACED, ignore_referred=False))
    assert texts(persons, answer, "c:personalIdentity/c:extension") == [CURRENT]
    assert texts(persons, answer, "c:primaryIdentity") == ["true"]
    linked = "c:linkedIdentity/c:referredPersonalIdentity/c:extension"
    assert texts(persons, answer, linked) == [REPLACED]


def test_replaced_number_keeps_its_own_record_when_referrals_are_ignored(
    persons: Caller,
) -> None:
    answer = record(persons, persons.get(REPLACED, ignore_referred=True))
    assert texts(persons, answer, "c:personalIdentity/c:extension") == [REPLACED]
    assert texts(persons, answer, "c:primaryIdentity") == ["false"]


@pytest.mark.parametrize(
    ("consumer", "answered"),
    [(JOURNAL, HIDDEN_REPLACED), (PRIVILEGED, HIDDEN_CURRENT)],
)
def test_number_change_to_a_protected_person_is_followed_only_with_the_right(
    persons: Caller, consumer: str, answered: str
) -> None:
    payload = persons.get(HIDDEN_REPLACED, ignore_referred=False, consumer=consumer)
    answer = record(persons, payload)
    assert texts(persons, answer, "c:personalIdentity/c:extension") == [answered]
    assert HIDDEN_CURRENT.encode() not in etree.tostring(payload) or (
        consumer == PRIVILEGED
    )


@pytest.mark.parametrize(
    ("consumer", "relations"),
    [(JOURNAL, ["B", "FA"]), (PRIVILEGED, ["M", "B", "FA"])],
)
def test_relation_to_a_protected_person_is_left_out_without_the_right(
    persons: Caller, consumer: str, relations: list[str]
) -> None:
    payload = persons.get(ORDINARY, profile="P4", consumer=consumer)
    answer = record(persons, payload)
    assert texts(persons, answer, "c:relationship/c:relationshipType") == relations


def test_person_outside_the_consumers_population_is_not_found(persons: Caller) -> None:
    (only,) = items(persons, persons.get(ORDINARY, consumer=PITEA))
    assert only.find(f"{{{persons.version.core}}}personRecord") is None


def test_500_ids_are_answered(persons: Caller) -> None:
    answered = items(
        persons, persons.get(*([UNKNOWN] * 499 + [ORDINARY]), profile="P1")
    )
    assert len(answered) == 500


@pytest.mark.parametrize(
    "call",
    [
        {"profile": "P6"},
        {"profile": "P10"},
        {"profile": "P3", "consumer": LOW},
        {"consumer": PING_ONLY},
        {"consumer": "SE2321000230-NOBODY"},
        {"address": None},
        {"address": "SE0000000000-ELSEWHERE"},
        {"ids": [ORDINARY] * 501},
    ],
    ids=[
        "reserved-P6",
        "reserved-P10",
        "above-max-profile",
        "contract-not-granted",
        "unknown-consumer",
        "no-logical-address",
        "foreign-logical-address",
        "501-ids",
    ],
)
def test_callers_mistakes_are_client_faults(
    persons: Caller, call: dict[str, Any]
) -> None:
    call = dict(call)
    ids = call.pop("ids", [ORDINARY])
    with pytest.raises(Fault) as raised:
        persons.get(*ids, **call)
    assert raised.value.code is not None and raised.value.code.endswith("Client")
    assert ORDINARY not in (raised.value.message or "")
    assert "error id" in (raised.value.message or "")


def test_each_person_read_is_audited_once(persons: Caller, hub: Engine) -> None:
    persons.get(ORDINARY, SEKRETESS, UNKNOWN, ORDINARY, (NRID_OID, SKYDDAD))

    trail = AuditTrail(hub)
    results = {
        person_id: [
            (e.consumer_id, e.contract, e.result) for e in trail.person(person_id)
        ]
        for person_id in (ORDINARY, SEKRETESS, UNKNOWN, SKYDDAD)
    }
    assert results == {
        ORDINARY: [(JOURNAL, "persons", "found")],
        SEKRETESS: [(JOURNAL, "persons", "masked")],
        UNKNOWN: [(JOURNAL, "persons", "not_found")],
        SKYDDAD: [],
    }


def test_followed_number_change_audits_both_numbers(
    persons: Caller, hub: Engine
) -> None:
    persons.get(REPLACED, ignore_referred=False)
    trail = AuditTrail(hub)
    assert [e.result for e in trail.person(REPLACED)] == ["found"]
    assert [e.result for e in trail.person(CURRENT)] == ["found"]


def test_own_wsdl_is_served_and_calls_the_endpoint(
    persons: Caller, server: str
) -> None:
    url = server + persons.version.path
    client = zeep.Client(url + "?wsdl")
    client.transport.session.headers["X-Test-Consumer"] = JOURNAL
    address = client.service._binding_options["address"]
    assert address == url
    response = client.service.GetPersonsForProfile(
        personId=[{"root": PERSONNUMMER_OID, "extension": ORDINARY}],
        profile="P1",
        ignoreReferredIdentity=True,
        _soapheaders={"LogicalAddress": HUB_ADDRESS},
    )
    client.transport.session.close()
    (item,) = response.requestedPersonRecord
    assert item.personRecord.personalIdentity.extension == ORDINARY
