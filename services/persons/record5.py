"""GetPersonsForProfile 5.0: a stored Navet post as ``personRecord``.

This is the one place that decides what a 5.0 answer holds for a profile.
Elements are written in the order of ``PersonRecordType``; absent values are
left out, never sent empty.

What each profile adds (TKB chapter 8, as read against Navet's data):

- P1: ``personalIdentity``, ``identityLevel`` and its date, ``gender``, the
  flags, ``primaryIdentity``, ``version``, ``name``, ``linkedIdentity`` and
  ``referredPersonalIdentities`` (the person's other numbers: hänvisningar),
  ``birth/dateOfBirth``, the county code, ``deregistration``,
  ``coOrdinationNumberData``, ``personalIdentityStatus`` and
  ``protectedPopulationRecord``.
- P2: all of ``populationRegistrationLocality``, the
  ``populationRegistrationRecord`` (notification case) and
  ``addressInformation``. Reserve identities are not held by a Navet mirror.
- P3: contact information and actors. Navet carries neither, so P3 answers
  exactly what P2 does.
- P4: place of birth, ``maritalStatus``, ``immigration``, ``citizenship``,
  ``relationship``.
- P5: the history Navet sends in ``Historik``, as
  ``populationRegistrationRecord/historicalRecords``.

The masked form (a protected person, a consumer without the right) is
profile 1 with less in it. The TKB reduces a protected person to profile 1;
Regionnav promises more: an unprivileged consumer never gets a protected
person's name, address or relations from any contract. The masked record
therefore holds only what the number itself tells and what care needs to act
safely: ``personalIdentity``, ``gender``, the flags, ``primaryIdentity``,
``birth/dateOfBirth``, ``deregistration`` (is the person dead or gone),
``personalIdentityStatus`` and ``protectedPopulationRecord``. Left out on
purpose: the name; ``version`` (it tells when something changed, a move for
instance); linked and referred numbers (a new number is a common protection
measure); the county code (a place); identity level and samordningsnummer
data.

Neither form names a number in ``subject.hidden``: a protected person that
the consumer may see only masked is left out of the other numbers and of the
relations (the caller screens them, see :mod:`.lookup`).

``gender`` follows ISO/IEC 5218 as Inera's samples do ("1" man, "2" woman),
read from the number's second-last digit, since Navet has no gender field.
``testIndicator`` is always ``false``: it marks Skatteverket's test persons in
production, which a regional mirror cannot tell from others.
``primaryIdentity`` is ``false`` only for a number Navet replaced (GN, GS).
"""

from __future__ import annotations

from lxml import etree

from services.persons import post
from services.persons.contract import ROOT_OF_KIND, V5, Profile
from services.persons.post import Subject, partial_date, text
from services.persons.tree import Tree, attach
from services.persons.writer import Writer, root_of

CORE = Tree(V5.core, "core")
WRITER = Writer(CORE, CORE, wrap_attested=False)


def person_record(subject: Subject, profile: Profile, masked: bool) -> etree._Element:
    """The 5.0 ``personRecord`` of ``subject`` for ``profile``.

    ``masked`` gives the masked form whatever the profile (see the module
    text); the caller decides it through the policy.
    """
    w, person, personpost = WRITER, subject.person, subject.post.find("Personpost")
    full = not masked
    record = w.root("personRecord")

    root = ROOT_OF_KIND[person.id_kind]
    w.identity(record, "personalIdentity", root, person.person_id)
    if full:
        w.text(record, "identityLevel", text(personpost, "PersonId/Identitetsniva"))
        level_date = partial_date(text(personpost, "PersonId/Identitetsnivadatum"))
        w.date(record, "identityLevelDate", level_date)
    w.add(record, "gender", post.gender(person.person_id))
    w.flag(record, "protectedPersonIndicator", person.sekretessmarkering)
    w.flag(record, "testIndicator", False)
    w.flag(record, "primaryIdentity", subject.primary)

    if full:
        w.add(record, "version", post.timestamp(person))
        attach(record, w.name(_find(personpost, "Namn")))
        w.linked_identities(record, subject.referred)
        for number in subject.referred:
            referred = w.add(record, "referredPersonalIdentities")
            w.identity(referred, "referredPersonalIdentity", root_of(number), number)
    attach(
        record, w.birth(person.person_id, personpost, profile if full else Profile.P1)
    )

    if full:
        registration = _find(personpost, "Folkbokforing")
        locality = w.locality(registration, county_only=profile < Profile.P2)
        attach(record, locality)
    if full and profile >= Profile.P2:
        attach(record, w.registration_record(subject.post, profile))
        attach(record, w.addresses(_find(personpost, "Adresser"), with_uuid=True))

    attach(record, w.deregistration(_find(personpost, "Avregistrering")))
    if full and profile >= Profile.P4 and personpost is not None:
        w.current_facts(record, personpost, subject.hidden)
    if full:
        attach(
            record,
            _coordination_number(_find(personpost, "Samordningsnummeruppgifter")),
        )
    attach(record, _identity_status(_find(personpost, "PersonId/Identitetsstatus")))
    w.flag(record, "protectedPopulationRecord", person.skyddad_folkbokforing)
    return record


def _find(parent: etree._Element | None, path: str) -> etree._Element | None:
    return None if parent is None else parent.find(path)


def _coordination_number(source: etree._Element | None) -> etree._Element | None:
    if source is None:
        return None
    element = CORE.make("coOrdinationNumberData")
    for name, navet in (
        ("allocationDate", "Tilldelningsdatum"),
        ("preliminaryTransferDate", "PreliminartVilandeforklaringsdatum"),
        ("renewalDate", "Fornyelsedatum"),
        ("deceasedDate", "DatumAvliden"),
    ):
        CORE.date(element, name, partial_date(text(source, navet)))
    return element


def _identity_status(source: etree._Element | None) -> etree._Element | None:
    if source is None:
        return None
    element = CORE.make("personalIdentityStatus")
    CORE.text(element, "identityStatus", text(source, "IdentitetsstatusVarde"))
    since = partial_date(text(source, "IdentitetsstatusDatum"))
    CORE.date(element, "identityStatusDate", since)
    CORE.text(element, "identityStatusCause", text(source, "IdentitetsstatusOrsak"))
    return element
