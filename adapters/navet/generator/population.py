"""Which households a file holds, in what proportion, and in what order.

Households are drawn by weight from :data:`KINDS`, so ordinary people
dominate as in real data. Before the weighted draw starts, :data:`SHOWCASE`
puts every rare case once into the first few hundred posts - every third
household - so that any file of 1000 posts or more holds each of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from functools import partial

from adapters.navet.generator import households, special
from adapters.navet.generator.identities import IdentityPool
from adapters.navet.generator.model import Person
from adapters.navet.generator.people import People
from adapters.navet.generator.places import Kommun

Kind = Callable[[People, bool, int], list[Person]]

KINDS: dict[str, tuple[Kind, float]] = {
    "single": (households.single, 30),
    "immigrant": (households.immigrant, 8),
    "married": (households.couple, 12),
    "cohabiting": (partial(households.couple, kind="sambo"), 6),
    "partners": (partial(households.couple, kind="RP"), 0.6),
    "family": (households.family, 10),
    "family_cohabiting": (partial(households.family, married=False), 5),
    "family_one_parent": (partial(households.family, parents="ONE"), 4),
    "family_two_mothers": (partial(households.family, parents="FF"), 0.7),
    "widow": (households.widow, 3),
    "deceased": (special.deceased, 7),
    "emigrated": (special.emigrated, 3),
    "coordination": (special.coordination, 5),
    "coordination_replaced": (special.coordination_replaced, 0.6),
    "number_changed": (special.number_changed, 0.6),
    "annulled": (partial(special.deregistered, code="AS"), 0.3),
    "missing": (partial(special.deregistered, code="OB"), 0.4),
    "technical": (partial(special.deregistered, code="TA"), 0.2),
    "false_identity": (partial(special.deregistered, code="FI"), 0.1),
    "sekretess": (partial(special.protected, skyddad=False), 0.8),
    "skyddad": (partial(special.protected, skyddad=True), 0.4),
}

# Shown once, early, with their optional features switched on.
SHOWCASE = (
    "single",
    "family",
    "family_two_mothers",
    "married",
    "partners",
    "widow",
    "deceased",
    "emigrated",
    "number_changed",
    "coordination",
    "coordination_replaced",
    "annulled",
    "missing",
    "technical",
    "false_identity",
    "sekretess",
    "skyddad",
    "immigrant",
    "family_one_parent",
)
SHOWCASE_EVERY = 3


def persons(
    rng: random.Random,
    pool: IdentityPool,
    kommuner: tuple[Kommun, ...],
    count: int,
) -> Iterator[Person]:
    """Yield exactly ``count`` person records, household by household.

    Only the household being made is held in memory.
    """
    people = People(rng, pool, kommuner)
    names = list(KINDS)
    weights = [KINDS[name][1] for name in names]
    made = 0
    index = 0
    while made < count:
        showcase = index % SHOWCASE_EVERY == 0 and index // SHOWCASE_EVERY < len(
            SHOWCASE
        )
        if showcase:
            name = SHOWCASE[index // SHOWCASE_EVERY]
        else:
            name = rng.choices(names, weights)[0]
        people.begin_household()
        for person in KINDS[name][0](people, showcase, count - made):
            made += 1
            yield person
        index += 1
