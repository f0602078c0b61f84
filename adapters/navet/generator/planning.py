"""Who changes how in an ändringsavisering, decided before anything is written.

Each person takes part in one change at most. Changes that concern relatives
too - a death widows a spouse, a birth gives parents a child, a new number is
seen by everybody related - only pick persons whose relatives are untouched,
so that every post of the avisering stays consistent with the others.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from lxml import etree

from adapters.navet.generator import addresses, dates, edits, names
from adapters.navet.generator.candidates import Candidate
from adapters.navet.generator.identities import (
    SYNTHETIC_SHIFT,
    IdentityPool,
    birth_date,
    listed_numbers,
    sex_of,
)
from adapters.navet.generator.model import Person, Relation
from adapters.navet.generator.places import (
    BIRTH_PARISHES,
    KOMMUNER,
    Kommun,
    kommun_by_code,
)

Edit = Callable[[etree._Element], None]
DELIVERY_DAYS = 7
YOUNGEST_TEST_YEAR = 2023

# Share of the changed persons per kind, and persons each change touches.
SHARES = (
    ("births", 0.12, 3),
    ("deaths", 0.12, 2),
    ("renumbers", 0.08, 2),
    ("marriages", 0.14, 2),
    ("protections", 0.06, 1),
    ("lifts", 0.05, 1),
    ("moves", 0.43, 1),
)


@dataclass(slots=True)
class Newborn:
    """A child born in the avisering's week, and whose home it shares."""

    person: Person
    mother: str


@dataclass(slots=True)
class Plan:
    """The edits per person, when each is registered, and the new posts."""

    edits: dict[str, list[Edit]] = field(default_factory=dict)
    moments: dict[str, int] = field(default_factory=dict)
    numbers: set[int] = field(default_factory=set)
    renumbered: dict[str, tuple[str, int]] = field(default_factory=dict)
    newborns: list[Newborn] = field(default_factory=list)

    @property
    def post_count(self) -> int:
        """Posts the avisering will hold."""
        return len(self.edits) + len(self.renumbered) + len(self.newborns)


def plan_changes(
    rng: random.Random,
    candidates: dict[str, Candidate],
    persons: int | None,
    lan: str | None,
    first_day: dt.date,
) -> Plan:
    """Pick the changes: about ``persons`` persons (default 3 % of the file)."""
    planner = _Planner(rng, candidates, lan, first_day)
    total = persons or max(14, round(len(candidates) * 0.03))
    for kind, share, size in SHARES:
        getattr(planner, kind)(max(1, round(total * share / size)))
    return planner.plan


class _Planner:
    def __init__(
        self,
        rng: random.Random,
        candidates: dict[str, Candidate],
        lan: str | None,
        first_day: dt.date,
    ) -> None:
        self.rng = rng
        self.candidates = candidates
        self.lan = lan
        self.first_day = first_day
        self.touched: set[str] = set()
        self.plan = Plan()
        self._pool = IdentityPool(rng, _unused_numbers(candidates))
        self._taken: set[str] = set()

    # The kinds of change -------------------------------------------------

    def moves(self, count: int) -> None:
        for c in self._eligible(lambda c: c.living and self._age(c) >= 18):
            if count == 0:
                return
            if "VF" in {kind for kind, _ in c.relations}:
                continue  # a guardian does not move away from the children alone
            kommun = self._destination(c)
            if kommun is None:
                continue
            day = self._day()
            home = addresses.dwelling(self.rng, kommun, dates.as_int(day))
            self._change(c, day, partial(edits.move, home=home))
            count -= 1

    def marriages(self, count: int) -> None:
        def single(c: Candidate) -> bool:
            spouses = {kind for kind, _ in c.relations} & {"M", "P"}
            return (
                c.living
                and 18 <= self._age(c) <= 75
                and c.civil not in {"G", "RP"}
                and not spouses
            )

        pool = self._eligible(single)
        while count and len(pool) >= 2:
            a = pool.pop()
            # A partner among the next few: deleting near the end stays cheap.
            at = next(
                (
                    i
                    for i in range(len(pool) - 1, max(len(pool) - 21, -1), -1)
                    if abs(a.year - pool[i].year) <= 12
                    and pool[i].person_id not in a.related()
                ),
                None,
            )
            if at is None:
                continue
            partner = pool.pop(at)
            day = self._day()
            since = dates.as_int(day)
            for one, other in ((a, partner), (partner, a)):
                spouse = Relation("M", other.person_id, since=since, status="NY")
                self._change(
                    one,
                    day,
                    partial(edits.set_civil, code="G", day=since),
                    partial(edits.add_relation, relation=spouse),
                )
            count -= 1

    def deaths(self, count: int) -> None:
        old = self._eligible(
            lambda c: c.living and self._age(c) >= 60 and self._free(c)
        )
        for c in old or self._eligible(lambda c: c.living and self._free(c)):
            if count == 0 or not self._free(c):
                continue
            day = self._day()
            self._change(
                c, day, partial(edits.deregister, code="AV", day=dates.as_int(day))
            )
            for relative in self._relatives(c):
                self._change(
                    relative,
                    day,
                    partial(
                        edits.relative_died, dead=c.person_id, day=dates.as_int(day)
                    ),
                )
            count -= 1

    def births(self, count: int) -> None:
        def mother(c: Candidate) -> bool:
            return (
                c.living and c.sex == "K" and 20 <= self._age(c) <= 44 and self._free(c)
            )

        for m in self._eligible(mother):
            if count == 0 or not self._free(m):
                continue
            spouses = {o for kind, o in m.relations if kind in {"M", "P"}}
            partner = next(
                (r for r in self._relatives(m) if r.person_id in spouses), None
            )
            parents = [m] if partner is None else [m, partner]
            number = self._child_number(parents)
            if number is None:
                continue
            self._birth(number, parents)
            count -= 1

    def renumbers(self, count: int) -> None:
        for c in self._eligible(lambda c: c.living and self._free(c)):
            if count == 0 or not self._free(c):
                continue
            new = self._new_number(c)
            if new is None:
                continue
            day = self._day()
            self._change(
                c, day,
                partial(edits.deregister, code="GN", day=dates.as_int(day)),
                partial(edits.refer, other=new),
            )  # fmt: skip
            self.plan.renumbered[c.person_id] = (new, birth_date(new))
            for relative in self._relatives(c):
                self._change(
                    relative,
                    day,
                    partial(edits.relative_renumbered, old=c.person_id, new=new),
                )
            count -= 1

    def protections(self, count: int) -> None:
        for c in self._eligible(
            lambda c: c.living and not c.relations and self._age(c) >= 18
        )[:count]:
            self._change(
                c,
                self._day(),
                partial(edits.set_flag, tag="Sekretessmarkering", value="J"),
                edits.reduce,
            )

    def lifts(self, count: int) -> None:
        for c in self._eligible(lambda c: c.liftable):
            kommun = kommun_by_code(c.kommun or "") or self._destination(c)
            if count == 0 or kommun is None:
                continue
            day = self._day()
            home = addresses.dwelling(self.rng, kommun, dates.as_int(day))
            self._change(
                c, day,
                partial(edits.set_flag, tag="Sekretessmarkering", value="N"),
                partial(edits.set_flag, tag="SkyddadFolkbokforing", value="N"),
                partial(edits.restore_address, home=home),
            )  # fmt: skip
            count -= 1

    # Helpers -------------------------------------------------------------

    def _birth(self, number: str, parents: list[Candidate]) -> None:
        rng = self.rng
        day = self._day()
        born = birth_date(number)
        mother = parents[0]
        if len(parents) == 1:
            kinds = ["MO"]
        else:
            kinds = ["MO", "FA"] if parents[1].sex == "M" else ["F", "F"]
        parish = BIRTH_PARISHES.get(mother.lan or "", "OKÄND")
        child = Person(
            person_id=number,
            sex=sex_of(number),
            birth=born,
            name=names.swedish_name(rng, sex_of(number), mother.surname or None),
            changed_at=dates.moment(rng, day),
            civil=("OG", None),
            born_in=(mother.lan or "00", parish),
            citizenships=[("SE", 0)],
        )
        for parent, kind in zip(parents, kinds, strict=True):
            child.relations += [
                Relation(kind, parent.person_id, since=born, status="NY"),
                Relation("V", parent.person_id, since=born, status="NY"),
            ]
            for own_kind in ("B", "VF"):
                child_relation = Relation(own_kind, number, since=born, status="NY")
                self._change(
                    parent, day, partial(edits.add_relation, relation=child_relation)
                )
        self.plan.newborns.append(Newborn(child, mother.person_id))

    def _change(self, c: Candidate, day: dt.date, *changes: Edit) -> None:
        self.touched.add(c.person_id)
        self.plan.numbers.add(c.number)
        self.plan.edits.setdefault(c.person_id, []).extend(changes)
        self.plan.moments.setdefault(c.person_id, dates.moment(self.rng, day))

    def _eligible(self, wanted: Callable[[Candidate], bool]) -> list[Candidate]:
        found = [
            c
            for c in self.candidates.values()
            if c.person_id not in self.touched and wanted(c)
        ]
        self.rng.shuffle(found)
        return found

    def _free(self, c: Candidate) -> bool:
        return c.person_id not in self.touched and not (c.related() & self.touched)

    def _relatives(self, c: Candidate) -> list[Candidate]:
        found = (self.candidates.get(other) for other in sorted(c.related()))
        return [r for r in found if r is not None and r.living]

    def _age(self, c: Candidate) -> int:
        return self.first_day.year - c.year

    def _day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=self.rng.randrange(DELIVERY_DAYS))

    def _destination(self, c: Candidate) -> Kommun | None:
        table = KOMMUNER.get(self.lan or c.lan or "")
        if not table:
            return None
        home = kommun_by_code(c.kommun or "")
        if home is not None and home in table and self.rng.random() < 0.6:
            return home
        return self.rng.choices(table, [k.population for k in table])[0]

    def _child_number(self, parents: list[Candidate]) -> str | None:
        # The youngest open test numbers are born in 2023, so a child born
        # in this avisering carries a 2023 Fodelsedatum: a birth date years
        # before the notice, until Skatteverket publishes newer test numbers.
        youngest = max(p.year for p in parents)
        if any(p.synthetic for p in parents):
            return self._synthetic(
                self.rng.choice("MK"),
                min(youngest + 25, YOUNGEST_TEST_YEAR) - SYNTHETIC_SHIFT,
            )
        low = youngest + 16
        return (
            self._take(
                self._pool.take(None, low, YOUNGEST_TEST_YEAR, YOUNGEST_TEST_YEAR)
            )
            if low <= YOUNGEST_TEST_YEAR
            else None
        )

    def _new_number(self, c: Candidate) -> str | None:
        if c.synthetic:
            return self._synthetic(c.sex, c.year - SYNTHETIC_SHIFT)
        return self._take(self._pool.take(None, c.year - 2, c.year + 2, c.year))

    def _synthetic(self, sex: str, year: int) -> str:
        while True:
            number = self._pool.synthetic(sex, year)
            if number not in self.candidates and number not in self._taken:
                self._taken.add(number)
                return number

    def _take(self, number: str | None) -> str | None:
        if number is not None:
            self._taken.add(number)
        return number


def _unused_numbers(candidates: dict[str, Candidate]) -> list[str]:
    # Test numbers neither used in the file nor underlying a samordningsnummer
    # of it (same date, serial and century once 60 is taken off the day).
    stems = {
        f"{number[:6]}{int(number[6:8]) - 60:02d}{number[8:11]}"
        for number in candidates
        if int(number[6:8]) > 60
    }
    return [n for n in listed_numbers() if n not in candidates and n[:11] not in stems]
