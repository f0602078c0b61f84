"""Finding what an answer tells about persons who must be masked.

:func:`leaks` reads one answer payload of any contract and reports every
trace of a hidden person (see
:meth:`~tests.journeys.protection.population.Population.hidden`):

- ``name``: one of their name parts (any version);
- ``address``: one of their address strings or postal codes (any version,
  ``Historik`` included);
- ``number``: their personnummer anywhere but in the two places it may be:
  the echo of the requested id (GetPersonsForProfile) and the identity of
  their own record when that record answers a request for that very number;
- ``relation``: their own record holds relations;
- ``form``: their own record holds more than the masked form.

The same function finds the traces in a privileged consumer's answer, which
is how the tests show that it can find them at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from tests.journeys.protection.population import Person, Population

MARKER = re.compile(r"Q[A-Z]{3}q")
NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")

# What a masked record may hold: the identity and what the number itself tells.
MASKED_RESIDENT = {
    "resident": {"Sekretessmarkering", "Personpost"},
    "Personpost": {"PersonId", "Relationer"},
    "Relationer": set(),
}
MASKED_PERSON = {
    "personRecord": {
        "personalIdentity",
        "gender",
        "protectedPersonIndicator",
        "testIndicator",
        "primaryIdentity",
        "birth",
        "deregistration",
        "personalIdentityStatus",
        "protectedPopulationRecord",
    },
    "birth": {"dateOfBirth"},
}
RELATIONS = {"Relation", "relationship"}


@dataclass(frozen=True, order=True)
class Leak:
    """One trace of a hidden person: what, whose, and where (an element path)."""

    kind: str
    person_id: str
    where: str


def leaks(
    payload: etree._Element, population: Population, moment: int | None
) -> set[Leak]:
    """Every trace of a person hidden for ``moment`` (``None``: now) in ``payload``."""
    hidden = population.hidden(moment)
    owners = _owners(hidden)
    numbers = {person.person_id for person in hidden}
    found: set[Leak] = set()
    tree = payload.getroottree()

    for element in payload.iter(etree.Element):
        text = (element.text or "").strip()
        if not text:
            continue
        where = tree.getpath(element)
        for value in MARKER.findall(text):
            if value in owners:
                kind, owner = owners[value]
                found.add(Leak(kind, owner, where))
        if text in owners:
            kind, owner = owners[text]
            found.add(Leak(kind, owner, where))
        for number in NUMBER.findall(text):
            if number in numbers and not _allowed(element, number):
                found.add(Leak("number", number, where))

    for record, identity in _records(payload):
        if identity in numbers:
            found.update(_beyond_masked(record, identity, tree))
    return found


def _owners(hidden: list[Person]) -> dict[str, tuple[str, str]]:
    """Marker or postal code form -> (kind, person id)."""
    owners: dict[str, tuple[str, str]] = {}
    for person in hidden:
        for version in person.versions:
            for value in version.name_values():
                owners[_marker(value)] = ("name", person.person_id)
            for value in version.address_values():
                owners[_marker(value)] = ("address", person.person_id)
            for code in version.postal_codes():
                for form in (code, f"{code[:3]} {code[3:]}", str(int(code))):
                    owners[form] = ("address", person.person_id)
    return owners


def _marker(value: str) -> str:
    found = MARKER.search(value)
    assert found is not None, "every generated value carries a marker"
    return found.group()


def _local(element: etree._Element | None) -> str:
    return "" if element is None else etree.QName(element).localname


def _allowed(element: etree._Element, number: str) -> bool:
    """Whether ``number`` stands where a masked person's number may stand."""
    parent = element.getparent()
    if _local(element) == "extension" and _local(parent) == "requestedPersonalIdentity":
        return True
    if _local(element) == "extension" and _local(parent) == "personalIdentity":
        record = parent.getparent() if parent is not None else None
        item = record.getparent() if record is not None else None
        if _local(record) != "personRecord" or item is None:
            return False
        asked = [
            child for child in item if _local(child) == "requestedPersonalIdentity"
        ]
        # Its own record, answering a request for that very number.
        return bool(asked) and asked[0].findtext("{*}extension") == number
    if _local(element) == "PersonId" and _local(parent) == "Personpost":
        return _local(parent.getparent() if parent is not None else None) == "resident"
    return False


def _records(payload: etree._Element) -> list[tuple[etree._Element, str]]:
    """Each record in the answer with the identity it is about."""
    records = []
    for element in payload.iter(etree.Element):
        if _local(element) == "resident":
            records.append((element, element.findtext("{*}Personpost/{*}PersonId")))
        elif _local(element) == "personRecord":
            identity = element.findtext("{*}personalIdentity/{*}extension")
            records.append((element, identity))
    return [(record, identity or "") for record, identity in records]


def _beyond_masked(
    record: etree._Element, identity: str, tree: etree._ElementTree
) -> set[Leak]:
    """What ``record`` holds beyond the masked form of its contract."""
    allowed = MASKED_RESIDENT if _local(record) == "resident" else MASKED_PERSON
    found: set[Leak] = set()
    for element in record.iter(etree.Element):
        if _local(element) in RELATIONS:
            found.add(Leak("relation", identity, tree.getpath(element)))
        parent = element.getparent()
        if element is record or _local(parent) not in allowed:
            continue
        if _local(element) not in allowed[_local(parent)]:
            found.add(Leak("form", identity, tree.getpath(element)))
    return found


def kinds(found: set[Leak]) -> set[tuple[str, str]]:
    """The leaks without their places: (kind, person id)."""
    return {(leak.kind, leak.person_id) for leak in found}


def expected_traces(population: Population) -> set[tuple[str, str]]:
    """What a privileged consumer's fullest answers show of the protected."""
    expected = set()
    for person in population.hidden(None):
        version, pid = person.current, person.person_id
        expected.add(("form", pid))
        if version.names:
            expected.add(("name", pid))
        if version.address("Folkbokforingsadress") is not None:
            expected.add(("address", pid))
        if version.relations:
            expected.add(("relation", pid))
        index = population.ids.index(pid)
        if any(j == index for p in population.persons for _, j in p.current.relations):
            expected.add(("number", pid))
    return expected
