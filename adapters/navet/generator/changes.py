"""``--changes-of``: an ändringsavisering of realistic changes to a file's persons.

The source file is read twice with :func:`adapters.navet.reader.read_delivery`:
once to learn who is who (a few facts per person), once to write the changed
posts. Changes are moves, marriages, deaths, births, number changes and
protection set or lifted; :mod:`.planning` picks who. Each changed person is
sent as a whole new post with a later ``andringstidpunkt`` than anything in
the source file, as Navet sends changes (navet.md 3.7).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from adapters.navet.generator import dates, edits, posts
from adapters.navet.generator.candidates import Candidate
from adapters.navet.generator.delivery import (
    Summary,
    header,
    write_atomically,
    writer_encoding,
)
from adapters.navet.generator.planning import Newborn, Plan, plan_changes
from adapters.navet.reader import read_delivery
from regionnav import xmlsafe
from regionnav.errors import GenerationError

logger = logging.getLogger(__name__)

MAX_POST_BYTES = 1_000_000
DELIVERY_DAYS = 7


@dataclass(frozen=True, slots=True)
class ChangeOrder:
    """Changes to the persons of ``source``: about ``persons`` of them.

    ``persons`` defaults to 3 % of the file; ``lan`` is where people move to
    (default: their own län).
    """

    source: Path
    persons: int | None = None
    lan: str | None = None
    seed: int = 1
    encoding: str = "iso-8859-1"


def generate_changes(order: ChangeOrder, out: Path) -> Summary:
    """Write an ändringsavisering for the persons of ``order.source`` to ``out``.

    The same source and order give the same bytes. Raises
    :class:`~regionnav.errors.GenerationError` for a bad option or a source
    without persons to change, and the reader's
    :class:`~regionnav.errors.DeliveryError` for a broken source.
    """
    encoding = writer_encoding(order.encoding)
    if order.persons is not None and order.persons < 1:
        raise GenerationError("--persons must be at least 1")
    candidates, latest = _survey(order.source)
    if not candidates:
        raise GenerationError("the source file holds no posts to change")

    rng = random.Random(order.seed)  # noqa: S311 - reproducible test data, no secret
    first_day = dates.day_of_moment(latest) + dt.timedelta(days=1)
    plan = plan_changes(rng, candidates, order.persons, order.lan, first_day)
    effective = first_day + dt.timedelta(days=DELIVERY_DAYS)
    head = header("ANDRINGSAVISERING", effective, plan.post_count, order.seed)
    written = write_atomically(out, _changed_posts(order.source, plan), head, encoding)

    logger.info("generated an ändringsavisering of %s posts", written)
    people = len(plan.edits) + len(plan.newborns)
    return Summary(people, written, 0, out)


def _survey(source: Path) -> tuple[dict[str, Candidate], int]:
    # First pass: a few facts per person; the last post of a person wins.
    candidates: dict[str, Candidate] = {}
    latest = dates.as_int(dates.REFERENCE) * 1_000_000
    with read_delivery(source) as delivery:
        for post in delivery.posts():
            element = xmlsafe.fromstring(post.xml, MAX_POST_BYTES)
            candidate = Candidate.of(post.number, element)
            candidates[candidate.person_id] = candidate
            if post.facts.changed_at is not None:
                latest = max(latest, post.facts.changed_at)
    return candidates, latest


def _changed_posts(source: Path, plan: Plan) -> Iterator[etree._Element]:
    homes: dict[str, etree._Element] = {}
    with read_delivery(source) as delivery:
        for post in delivery.posts():
            if post.number not in plan.numbers:
                continue
            element = xmlsafe.fromstring(post.xml, MAX_POST_BYTES)
            person = edits.person_id(element)
            original = deepcopy(element)
            for edit in plan.edits[person]:
                edit(element)
            edits.stamp(element, plan.moments[person])
            homes[person] = element
            yield element

            renumbered = plan.renumbered.get(person)
            if renumbered is not None:
                new, birth = renumbered
                copy = edits.renumbered_copy(original, new, birth)
                edits.refer(copy, person)
                edits.stamp(copy, plan.moments[person])
                yield copy

    for newborn in plan.newborns:
        yield _newborn_post(newborn, homes[newborn.mother])


def _newborn_post(newborn: Newborn, mother: etree._Element) -> etree._Element:
    # The child lives where its mother does, registered from its birth.
    person = newborn.person
    element = posts.build(person)
    pp = edits.personpost(element)
    registration = edits.personpost(mother).find("Folkbokforing")
    if registration is not None:
        copy = deepcopy(registration)
        since = copy.find("Folkbokforingsdatum")
        if since is not None:
            since.text = str(person.birth)
        posts.place(pp, copy, posts.PERSONPOST_ORDER)
    addresses = edits.personpost(mother).find("Adresser")
    if addresses is not None:
        copy = deepcopy(addresses)
        for part in list(copy):
            if part.tag not in edits.DWELLING_PARTS:
                copy.remove(part)
        posts.place(pp, copy, posts.PERSONPOST_ORDER)
    return element
