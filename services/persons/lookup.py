"""Which person answers each requested number, and in what form.

:func:`services.pipeline.look_up` reads the numbers, applies the grant's
population scope and the protected-identity decision, and queues one audit
entry per person. On top of that, GetPersonsForProfile follows number changes
when the caller asks for it (``ignoreReferredIdentity=false``): a number
Navet replaced (GN, GS, legacy G) is answered with the record of the number
that replaced it, following a chain of changes up to :data:`MAX_HOPS`. The
newer numbers are read, scoped, decided and audited the same way.

A change is followed only to a record the consumer may see in full. It is not
followed from or to a masked record: a new number is a common protection
measure, and following the link would hand the new number to a consumer that
may not know it. Such a request is answered with the requested number's own
record (masked, if that is protected). A newer number that is not in the
mirror or outside the consumer's population leaves the answer at the last
number that is.

Numbers a record names are screened too, by the rule every contract shares
(:func:`regionnav.protection.hidden_numbers`): a person's other numbers and,
from profile 4, the related persons' numbers. One that belongs to a
protected person the consumer may see only masked is left out of the record
(see :mod:`.service`).

Known gap: a replaced number is found only if the mirror holds its own post
(Navet sends one, with the GN/GS reason); a number the mirror knows only from
the other side of a link is answered as not found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from regionnav.errors import StoreError
from regionnav.policy import Disclosure
from regionnav.records import StoredPerson
from services.persons.post import REPLACED
from services.pipeline import Call, look_up

MAX_HOPS = 5


@dataclass(frozen=True, slots=True)
class Found:
    """The person answered for one requested number.

    ``masked`` selects the masked form; ``came_from`` are the numbers followed
    to reach ``person`` (empty when it is the requested number's own record).
    """

    person: StoredPerson
    masked: bool
    came_from: tuple[str, ...] = ()


def find(call: Call, person_ids: Sequence[str], follow: bool) -> dict[str, Found]:
    """The answer for each of ``person_ids`` that has one (absent: not found).

    ``follow`` follows number changes (``ignoreReferredIdentity=false``).
    Raises what :func:`~services.pipeline.look_up` raises, and
    :class:`StoreError` when the mirror's links cannot be read.
    """
    seen = {item.person_id: item for item in look_up(call, person_ids)}
    found = {
        pid: Found(item.person, item.disclosure is Disclosure.MASKED)
        for pid, item in seen.items()
        if item.person is not None
    }
    if not follow:
        return found

    # Each requested number walks its own chain: per hop, one links query per
    # replaced number and one look_up for the numbers not read yet.
    walking = {pid: pid for pid, answer in found.items() if _replaced(answer)}
    for _ in range(MAX_HOPS):
        steps: dict[str, str] = {}
        for pid, at in walking.items():
            newer = _newer(call, at)
            if newer is not None:
                steps[pid] = newer
        unseen = [new for new in dict.fromkeys(steps.values()) if new not in seen]
        if unseen:
            seen.update((item.person_id, item) for item in look_up(call, unseen))

        walking = {}
        for pid, new in steps.items():
            item = seen[new]
            if item.person is None or item.disclosure is Disclosure.MASKED:
                continue
            came_from = (*found[pid].came_from, found[pid].person.person_id)
            if new in came_from:
                continue
            found[pid] = Found(item.person, False, came_from)
            if _replaced(found[pid]):
                walking[pid] = new
        if not walking:
            break
    return found


def _replaced(answer: Found) -> bool:
    return not answer.masked and answer.person.avregistreringskod in REPLACED


def _newer(call: Call, person_id: str) -> str | None:
    try:
        links = call.runtime.records.linked(person_id)
    except SQLAlchemyError as exc:
        raise StoreError(f"the store cannot be read: {type(exc).__name__}") from exc
    newer = sorted(new for old, new, _reason in links if old == person_id)
    return newer[0] if newer else None
