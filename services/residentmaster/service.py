"""Answering LookupResidentForFullProfile: pipeline, filter, mapping.

One store round trip reads every requested id (:func:`services.pipeline.look_up`,
which also applies the grant's scope and the protected-identity decision and
queues the audit entries); the ``lookUpSpecification`` then decides which of
the found records are answered, and :mod:`services.residentmaster.mapping`
renders them. An id that is not in the mirror, outside the consumer's scope or
removed by the filter gets no ``resident`` element, which is not a fault.

The full residents name no protected person the consumer may see only masked
(relations, ``HanvisningsPersonNr``): the numbers they name are screened with
:func:`regionnav.protection.hidden_numbers`, one more read per answer that
names anyone.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from regionnav import protection
from regionnav.policy import Disclosure
from regionnav.records import StoredPerson
from services.pipeline import Call, Seen, look_up
from services.residentmaster import mapping
from services.residentmaster.request import Record, Specification, read_request


def answer(call: Call, request: Any) -> etree._Element:
    """The ``LookupResidentForFullProfileResponse`` for a deserialised request.

    Raises :class:`~regionnav.errors.RequestError` for a request the caller must
    fix (missing LogicalAddress, too many ids, a malformed filter) and what the
    pipeline raises (not authorised, store unavailable).
    """
    grant = call.authorise()
    lookup = read_request(request)
    specification = lookup.specification
    seen = look_up(call, lookup.person_ids, specification.moment)
    answered = [
        kept for item in seen if (kept := _kept(item, specification, call)) is not None
    ]

    # One read for the flags of everyone the full records name.
    named = {
        number
        for _, post in answered
        if post is not None
        for number in protection.named_numbers(post)
    }
    runtime = call.runtime
    hidden = protection.hidden_numbers(
        runtime.policy, grant, runtime.records, named, specification.moment
    )

    response = mapping.response()
    for person, post in answered:
        if post is None:
            mapping.add_masked(response, person.person_id)
        else:
            mapping.add_resident(response, person, post, hidden)
    return response


def _kept(
    item: Seen, specification: Specification, call: Call
) -> tuple[StoredPerson, etree._Element | None] | None:
    """The person and its parsed post (``None``: masked) if the filter keeps it."""
    person = item.person
    if person is None:
        return None
    masked = item.disclosure is Disclosure.MASKED
    post = None if masked else mapping.parse_post(person)
    record = Record(
        protected=person.protected,
        masked=masked,
        avregistreringskod=person.avregistreringskod,
        id_kind=person.id_kind,
        folkbokforingsdatum=None if post is None else mapping.folkbokforingsdatum(post),
    )
    if not specification.keeps(record):
        call.results["filtered"] += 1
        return None
    return person, post
