"""Answering GetPersonsForProfile: request, pipeline, lookup, mapping.

The same steps for 5.0 and 3.1; only the namespaces and the record mapping
differ (:data:`services.persons.response.BUILDERS`). One store round trip
reads every requested number (more when number changes are followed, see
:mod:`.lookup`); the answer has one ``requestedPersonRecord`` per requested
``personId``, in request order, duplicates included.

Numbers the records would name (other numbers, related persons) are
screened so that a protected person's number reaches only a consumer with
the right (:func:`regionnav.protection.hidden_numbers`, the rule every
contract shares).

Audit: one entry per distinct number read, queued by the pipeline and written
before the answer leaves. A ``personId`` under another OID (a reserve
identity, an HSA-id) is not read and not audited: it names no person the
mirror holds, and nothing is disclosed for it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from regionnav import protection
from services.persons.contract import Profile, Version
from services.persons.lookup import find
from services.persons.post import Subject
from services.persons.request import profile_of, read_request
from services.persons.response import (
    person_record,
    requested_person_record,
    response,
)
from services.pipeline import Call


def answer(call: Call, version: Version, request: Any) -> etree._Element:
    """The ``GetPersonsForProfileResponse`` for a deserialised request.

    Raises :class:`~regionnav.errors.RequestError` for what the caller must
    fix (missing LogicalAddress, a reserved profile, no or too many ids),
    :class:`~regionnav.errors.NotAuthorisedError` for a consumer without the
    right or asking above its profile, and what the pipeline raises (store
    unavailable).
    """
    grant = call.authorise(profile=int(profile_of(request)))
    lookup = read_request(request)
    found = find(call, lookup.person_ids, follow=not lookup.ignore_referred)

    subjects = {
        pid: Subject.of(answer.person, linked=answer.came_from)
        for pid, answer in found.items()
    }
    named = (
        number
        for pid, subject in subjects.items()
        if not found[pid].masked
        for number in subject.named_numbers(lookup.profile >= Profile.P4)
    )
    runtime = call.runtime
    hidden = protection.hidden_numbers(runtime.policy, grant, runtime.records, named)

    items = []
    for requested in lookup.requested:
        pid = requested.person_id
        record = None
        if pid is not None and pid in found:
            # Built per position: a number asked twice is answered twice.
            subject = subjects[pid].hiding(hidden)
            record = person_record(version, subject, lookup.profile, found[pid].masked)
        items.append(requested_person_record(version, requested, record))
    call.outcome = f"profile P{int(lookup.profile)}"
    return response(version, items)
