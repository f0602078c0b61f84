"""Assembling the GetPersonsForProfile answer around the person records.

The answer holds exactly one ``requestedPersonRecord`` per requested id, in
request order, each echoing the id as asked (``requestedPersonalIdentity``,
root and extension untouched) and holding a ``personRecord`` only when a
person is answered for it (TKB rule 1: no record means "not found").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree

from services.persons import record3, record5
from services.persons.contract import SWEDISH_ROOTS, V3, V5, Profile, Version
from services.persons.post import Subject

RecordBuilder = Callable[[Subject, Profile, bool], etree._Element]

BUILDERS: dict[Version, RecordBuilder] = {
    V5: record5.person_record,
    V3: record3.person_record,
}


@dataclass(frozen=True, slots=True)
class RequestedId:
    """One ``personId`` of a request: an OID ``root`` and an ``extension``."""

    root: str
    extension: str | None

    @property
    def person_id(self) -> str | None:
        """The 12-digit number to look up, or ``None`` if this is not one.

        Personnummer and samordningsnummer are looked up under either of their
        two OIDs, since callers are known to send a samordningsnummer under
        the personnummer OID (Inera's own samples do); the answer states the
        right OID. Any other root (reserve identities such as NRID, HSA-ids)
        names no person a Navet mirror holds and is answered as not found.
        """
        value = (self.extension or "").strip()
        if self.root.strip() not in SWEDISH_ROOTS:
            return None
        if len(value) != 12 or not value.isascii() or not value.isdigit():
            return None
        return value


def person_record(
    version: Version, subject: Subject, profile: Profile, masked: bool
) -> etree._Element:
    """The ``personRecord`` of ``subject`` as ``version`` writes it."""
    return BUILDERS[version](subject, profile, masked)


def requested_person_record(
    version: Version, requested: RequestedId, record: etree._Element | None
) -> etree._Element:
    """One ``requestedPersonRecord``: the id as asked, and the record if any."""
    core = version.core
    element = etree.Element(f"{{{version.responder}}}requestedPersonRecord")
    identity = etree.SubElement(element, f"{{{core}}}requestedPersonalIdentity")
    etree.SubElement(identity, f"{{{core}}}root").text = requested.root
    if requested.extension is not None:
        etree.SubElement(identity, f"{{{core}}}extension").text = requested.extension
    if record is not None:
        element.append(record)
    return element


def response(version: Version, items: Iterable[etree._Element]) -> etree._Element:
    """``GetPersonsForProfileResponse`` holding ``items`` in the order given."""
    nsmap = {"ns": version.responder, "core": version.core}
    if version is V3:
        nsmap["ext"] = version.ext
    root = etree.Element(
        f"{{{version.responder}}}GetPersonsForProfileResponse", nsmap=nsmap
    )
    root.extend(items)
    return root
