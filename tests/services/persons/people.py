"""The people of the GetPersonsForProfile tests and the official schemas.

The posts under ``posts/`` are Navet ``Folkbokforingspost`` elements written
for these tests with Skatteverket's public test personnummer only. Every
answer is validated against the OFFICIAL Responder XSDs in
``../shared/contracts``, never against the project's own files.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.facts import facts_of
from regionnav.records import StoredPerson
from services.persons.contract import PERSONNUMMER_OID, V3, V5, Version
from services.persons.post import Subject
from services.persons.response import RequestedId, requested_person_record, response

POSTS = Path(__file__).parent / "posts"
CONTRACTS = Path(__file__).resolve().parents[4] / "shared" / "contracts"
OFFICIAL = {
    V5: CONTRACTS / "strategicresourcemanagement.persons.person.5.0",
    V3: CONTRACTS / "strategicresourcemanagement.persons.person.3.1",
}

# The people in posts/, by file.
ORDINARY = "197705082399"
SEKRETESS = "198002182395"
SKYDDAD = "196210129786"
REPLACED = "195007292435"
CURRENT = "195710142653"
SAMORDNING = "197607222390"
DECEASED = "197703292388"
HIDDEN_REPLACED = "198004072396"
HIDDEN_CURRENT = "198005252385"
SAMPLE_DECEASED = "190503279812"
SAMPLE_CHILD = "201212121212"
# In Skatteverket's list, but never imported.
UNKNOWN = "194107086995"
POST_FILES = {
    ORDINARY: "ordinary.xml",
    SEKRETESS: "sekretess.xml",
    SKYDDAD: "skyddad.xml",
    REPLACED: "replaced.xml",
    CURRENT: "current.xml",
    SAMORDNING: "samordning.xml",
    DECEASED: "deceased.xml",
    HIDDEN_REPLACED: "hidden_replaced.xml",
    HIDDEN_CURRENT: "hidden_current.xml",
    SAMPLE_DECEASED: "deceased_2016.xml",
    SAMPLE_CHILD: "child.xml",
}
# When Navet left out the change time, the mirror uses the delivery's date.
DELIVERY_MOMENT = 20240601000000


def post_bytes(person_id: str) -> bytes:
    return (POSTS / POST_FILES[person_id]).read_bytes()


def stored(person_id: str) -> StoredPerson:
    """The person as the mirror would hand it out after importing the post."""
    post = etree.tostring(etree.fromstring(post_bytes(person_id)), encoding="UTF-8")
    stored = StoredPerson.of_post(post, valid_from=0)
    return replace(stored, valid_from=facts_of(post).changed_at or DELIVERY_MOMENT)


def subject(person_id: str) -> Subject:
    return Subject.of(stored(person_id))


def official_schema(version: Version) -> etree.XMLSchema:
    folder = OFFICIAL[version] / "interactions" / "GetPersonsForProfileInteraction"
    path = folder / f"GetPersonsForProfileResponder_{version.label}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def assert_valid(schema: etree.XMLSchema, document: etree._Element) -> None:
    if not schema.validate(document):
        pytest.fail("\n".join(str(error) for error in schema.error_log))


def wrapped(version: Version, person_id: str, record: etree._Element) -> etree._Element:
    """A whole response holding ``record``, as the contract sends it."""
    requested = RequestedId(PERSONNUMMER_OID, person_id)
    return response(version, [requested_person_record(version, requested, record)])
