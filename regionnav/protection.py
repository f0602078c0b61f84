"""Which other persons an answer may name: protected identity beyond the record.

:meth:`regionnav.policy.Policy.disclose` decides what a consumer sees of each
person it asked for: a protected person (either Navet flag) is answered in
the contract's masked form unless the consumer holds the unmasked right. But
a record names other persons too, and Navet copies their details into it:

- its relations: the related person's number, and their name and
  deregistration as they were when the post was made;
- its other numbers (hänvisningar): the number that replaced this one, or the
  ones it replaced.

Naming a protected person there would hand a consumer without the right what
masking withholds: the protected person's number (a new number is a common
protection measure), their name, and their tie to a family whose address the
same answer gives. So, for every contract, this module decides which named
numbers are **hidden**: those whose person the policy would disclose only
masked (:attr:`~regionnav.policy.Disclosure.MASKED`) — judged on their
current record and, in an answer about an earlier moment, on their record at
that moment as well; the stricter holds, as it does for the requested persons
(:func:`services.pipeline.look_up`). A contract leaves the element that names
a hidden number out whole (a relation with its name and deregistration, a
hänvisning), so that not even the existence of the tie shows. A number the
mirror does not hold is not known to be protected and may be named. A masked
record names no other number at all (the contracts' masked forms).

Cost: one batched read of the named numbers' protection flags per answer (and
of their records at an earlier moment), and none when the answer names no one.
The persons read are not audited: nothing of them is answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from lxml import etree
from sqlalchemy.exc import SQLAlchemyError

from adapters.navet.facts import facts_of, value_of
from regionnav.errors import StoreError
from regionnav.policy import Disclosure, Grant, Policy
from regionnav.records import Protected, Records

# Where a Folkbokforingspost names its related persons by number.
RELATED = "Personpost/Relationer/Relation/RelationId/PersonNr"


def related_numbers(post: etree._Element) -> set[str]:
    """The numbers of the persons ``post`` (a ``Folkbokforingspost``) relates to."""
    return {
        value
        for element in post.iterfind(RELATED)
        if (value := value_of(element)) is not None
    }


def named_numbers(post: etree._Element) -> set[str]:
    """Every number ``post`` names besides its own: its hänvisningar (as
    :func:`~adapters.navet.facts.facts_of` reads them) and its relations.

    Raises :class:`~regionnav.errors.PostContentError` for a post the mirror
    would not have stored.
    """
    facts = facts_of(post)
    numbers = related_numbers(post).union(facts.hanvisningar)
    numbers.discard(facts.person_id)
    return numbers


def hidden_numbers(
    policy: Policy,
    grant: Grant,
    records: Records,
    numbers: Iterable[str],
    moment: int | None = None,
) -> frozenset[str]:
    """Which of ``numbers`` an answer to ``grant``'s holder must not name.

    ``moment`` (``YYYYMMDDhhmmss``) is the time an answer about the past is
    about; a number is hidden if its person is masked now or then. Raises
    :class:`StoreError` when the store cannot be read.
    """
    wanted = sorted(set(numbers))
    if not wanted:
        return frozenset()
    try:
        people: list[Mapping[str, Protected]] = [records.protection(wanted)]
        if moment is not None:
            people.append(records.as_of(wanted, moment))
    except SQLAlchemyError as exc:
        raise StoreError(f"the store cannot be read: {type(exc).__name__}") from exc
    return frozenset(
        number
        for found in people
        for number, person in found.items()
        if policy.disclose(grant, person) is Disclosure.MASKED
    )
