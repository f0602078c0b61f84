"""GetPersonsForProfile 3.1: a stored Navet post as ``personRecord``.

This is the one place that decides what a 3.1 answer holds for a profile.
The profiles and the masked form are those of 5.0 (see :mod:`.record5`,
whose text gives the reasons), within what 3.1's ``PersonRecordType`` has:

- no ``identityLevel``, ``referredPersonalIdentities``,
  ``coOrdinationNumberData`` or ``personalIdentityStatus``: the person's
  other numbers appear as ``linkedIdentity`` only, and the masked form has no
  identity status;
- no ``UUID`` among the addresses;
- name parts, a place of birth abroad and a citizenship country are
  ``{value, attested}``; ``attested`` is written when Navet's ``styrkt``
  attribute says J or N;
- ``foundDeadAtDate`` and ``protectedPopulationRecord`` are in the
  ``...:person:3.1`` namespace, as the 3.1 ext schema declares them.
"""

from __future__ import annotations

from lxml import etree

from services.persons import post
from services.persons.contract import ROOT_OF_KIND, V3, Profile
from services.persons.post import Subject
from services.persons.tree import Tree, attach
from services.persons.writer import Writer

CORE = Tree(V3.core, "core")
EXT = Tree(V3.ext, "ext")
WRITER = Writer(CORE, EXT, wrap_attested=True)


def person_record(subject: Subject, profile: Profile, masked: bool) -> etree._Element:
    """The 3.1 ``personRecord`` of ``subject`` for ``profile``.

    ``masked`` gives the masked form whatever the profile; the caller decides
    it through the policy.
    """
    w, person, personpost = WRITER, subject.person, subject.post.find("Personpost")
    full = not masked
    record = etree.Element(
        CORE.tag("personRecord"),
        nsmap={CORE.prefix: CORE.namespace, EXT.prefix: EXT.namespace},
    )

    root = ROOT_OF_KIND[person.id_kind]
    w.identity(record, "personalIdentity", root, person.person_id)
    w.add(record, "gender", post.gender(person.person_id))
    w.flag(record, "protectedPersonIndicator", person.sekretessmarkering)
    w.flag(record, "testIndicator", False)
    w.flag(record, "primaryIdentity", subject.primary)

    if full:
        w.add(record, "version", post.timestamp(person))
        attach(record, w.name(_find(personpost, "Namn")))
        w.linked_identities(record, subject.referred)
    attach(
        record, w.birth(person.person_id, personpost, profile if full else Profile.P1)
    )

    if full:
        registration = _find(personpost, "Folkbokforing")
        attach(record, w.locality(registration, county_only=profile < Profile.P2))
    if full and profile >= Profile.P2:
        attach(record, w.registration_record(subject.post, profile))
        attach(record, w.addresses(_find(personpost, "Adresser"), with_uuid=False))

    attach(record, w.deregistration(_find(personpost, "Avregistrering")))
    if full and profile >= Profile.P4 and personpost is not None:
        w.current_facts(record, personpost, subject.hidden)
    EXT.flag(record, "protectedPopulationRecord", person.skyddad_folkbokforing)
    return record


def _find(parent: etree._Element | None, path: str) -> etree._Element | None:
    return None if parent is None else parent.find(path)
