"""Ordinary households: singles, couples, families with children, widows.

Each function makes the posts of one household, at most ``room`` of them, and
falls back to a smaller household when the test list has no fitting number
left (a couple without children, a single person). Relations always come in
pairs between members of the household - ``M``/``M``, ``P``/``P``,
``MO``/``FA``/``F`` with ``B``, ``V`` with ``VF`` - or name a relative who was
never folkbokförd by ``FodelsetidNr`` and name.
"""

from __future__ import annotations

import datetime as dt

from adapters.navet.generator import addresses, dates, names
from adapters.navet.generator.identities import sex_of
from adapters.navet.generator.model import Deregistration, Person, Relation
from adapters.navet.generator.people import (
    ADULT_BORN_BY,
    REFERENCE,
    YOUNGEST_TEST_YEAR,
    People,
)

# Registered partnership existed from 1995 until marriage became gender
# neutral on 1 May 2009.
PARTNERSHIP_FROM = dt.date(1995, 1, 1)
PARTNERSHIP_UNTIL = dt.date(2009, 4, 30)
OTHER_SEX = {"M": "K", "K": "M"}
PARENT_KIND = {"K": "MO", "M": "FA"}


def single(p: People, showcase: bool, room: int) -> list[Person]:
    """One adult living alone; the showcase has every address feature."""
    number = p.adult()
    if number is None:
        return lone_child(p)
    return [single_from(p, number, showcase)]


def single_from(p: People, number: str, showcase: bool = False) -> Person:
    """An ordinary adult with ``number``: home, maybe c/o, history, long name."""
    rng = p.rng
    person = p.person(number, long=showcase or rng.random() < 0.02)
    moved = p.moved_in([number])
    care_of = rng.random() < 0.03 or showcase
    person.dwelling = p.home(
        moved,
        flat=True if showcase else None,
        care_of=addresses.care_of(rng.choice(names.SURNAMES)) if care_of else None,
        line1=showcase or rng.random() < 0.05,
    )
    if showcase or rng.random() < 0.4:
        earlier = p.earlier_home(number, moved)
        person.history = [earlier] if earlier else []
    adult = dates.add_years(p.born(number), 22)
    if adult < moved and rng.random() < 0.15:
        person.civil = ("S", dates.as_int(dates.between(rng, adult, moved)))
    return p.finish(person, moved)


def immigrant(p: People, showcase: bool, room: int) -> list[Person]:
    """An adult born abroad; dates may be incomplete, citizenship double."""
    rng = p.rng
    number = p.adult(prefer=rng.randint(1955, 2000))
    if number is None:
        return lone_child(p)
    person = p.foreigner(number)
    born = p.born(number)
    arrived = dates.between(rng, dates.add_years(born, 1), REFERENCE - dt.timedelta(30))
    incomplete = showcase or rng.random() < 0.25
    person.immigrated = arrived.year * 10000 if incomplete else dates.as_int(arrived)

    moved = dates.between(rng, max(arrived, dates.add_years(born, 18)), REFERENCE)
    person.dwelling = p.home(moved)
    settled = dates.add_years(arrived, 5)
    if settled < REFERENCE and (showcase or rng.random() < 0.5):
        naturalised = dates.between(rng, settled, REFERENCE)
        person.citizenships.append(("SE", dates.as_int(naturalised)))
    return [p.finish(person, max(moved, arrived))]


def couple(p: People, showcase: bool, room: int, kind: str = "G") -> list[Person]:
    """Two adults sharing a home: married (G), partners (RP) or cohabiting."""
    rng = p.rng
    high = 1988 if kind == "RP" else ADULT_BORN_BY
    first = p.adult(high=high, prefer=rng.randint(1940, min(high, 2000)))
    if first is None:
        return lone_child(p)
    if room < 2:
        return [single_from(p, first)]
    year = p.virtual_year(first)
    sex = OTHER_SEX[sex_of(first)] if kind != "RP" else sex_of(first)
    second = p.adult(sex, year - 8, min(year + 8, high), year + rng.randint(-3, 3))
    if second is None:
        return [single_from(p, first)]

    a = p.person(first)
    b = p.person(second, surname=a.name.surname if rng.random() < 0.6 else None)
    moved = p.moved_in([first, second], floor_years=20)
    home = p.home(moved)
    a.dwelling, b.dwelling = home, home
    if rng.random() < 0.4:
        earlier = p.earlier_home(first, moved)
        a.history = [earlier] if earlier else []

    last = moved
    union = _union_date(p, [first, second], kind)
    if union is not None:
        link_spouses(a, b, union, "P" if kind == "RP" else "M")
        last = max(last, union)
    return [p.finish(a, last), p.finish(b, last)]


def family(
    p: People, showcase: bool, room: int, parents: str = "MOFA", married: bool = True
) -> list[Person]:
    """Parents and children under 18 at home.

    ``parents`` is ``MOFA`` (mother and father), ``FF`` (two mothers, both
    ``F``) or ``ONE`` (one parent; the other was never folkbokförd and is named
    by FodelsetidNr). Every registered parent is also a guardian (``V``).
    """
    rng = p.rng
    sex = "K" if parents != "ONE" or rng.random() < 0.75 else "M"
    first = p.adult(sex, 1964, 2000, rng.randint(1975, 1992))
    if first is None:
        return single(p, showcase, room)
    numbers = [first]
    if parents != "ONE" and room >= 2:
        year = p.virtual_year(first)
        other = "M" if parents == "MOFA" else "K"
        second = p.adult(
            other, year - 6, min(year + 6, 2000), year + rng.randint(-3, 3)
        )
        if second is not None:
            numbers.append(second)

    adults = [p.person(numbers[0])]
    surname = adults[0].name.surname
    adults += [
        p.person(n, surname if rng.random() < 0.7 else None) for n in numbers[1:]
    ]
    moved = p.moved_in(numbers, floor_years=20)
    home = p.home(moved)
    last = moved
    for adult in adults:
        adult.dwelling = home
    if len(adults) == 2 and married:
        union = _union_date(p, numbers, "G")
        if union is not None:
            link_spouses(adults[0], adults[1], union, "M")
            last = max(last, union)

    children = _children(p, numbers, room - len(adults), showcase)
    members = list(adults)
    for number in children:
        child = p.person(number, surname=surname)
        child.dwelling = p.with_since(home, max(moved, p.born(number)))
        _link_parents(p, child, adults, parents)
        members.append(p.finish(child, dates.from_int(child.dwelling.since)))
    for adult in adults:
        p.finish(adult, max([last, *(p.born(n) for n in children)]))
    return members


def widow(p: People, showcase: bool, room: int) -> list[Person]:
    """A widow or widower (Ä) and the deceased spouse's own post (AV)."""
    rng = p.rng
    sex = "K" if rng.random() < 0.8 else "M"
    survivor = p.adult(sex, 1890, 1960, rng.randint(1925, 1950))
    if survivor is None:
        return single(p, showcase, room)
    year = p.virtual_year(survivor)
    spouse = p.adult(
        OTHER_SEX[sex], year - 10, min(year + 10, 1960), year + rng.randint(-4, 4)
    )
    if spouse is None or room < 2:
        return [single_from(p, survivor)]

    numbers = [survivor, spouse]
    married = _union_date(p, numbers, "G") or dates.add_years(p.born(survivor), 25)
    died = dates.between(
        rng,
        max(dates.add_years(married, 1), dates.add_years(REFERENCE, -25)),
        REFERENCE - dt.timedelta(days=30),
    )
    youngest = max(p.born(n) for n in numbers)
    moved = dates.between(rng, max(dates.add_years(youngest, 20), married), died)
    home = p.home(moved)

    alive, dead = p.person(survivor), p.person(spouse)
    alive.name = names.Name(
        alive.name.given, dead.name.surname, marking=alive.name.marking
    )
    alive.dwelling = home
    alive.civil = ("Ä", dates.as_int(died))
    alive.relations.append(
        Relation("M", spouse, since=dates.as_int(married), deceased=dates.as_int(died))
    )
    dead.deregistration = Deregistration("AV", dates.as_int(died))
    dead.history = [home]
    dead.civil = ("G", dates.as_int(married))
    dead.relations.append(Relation("M", survivor, since=dates.as_int(married)))
    return [p.finish(alive, died), p.finish(dead, died)]


def lone_child(p: People) -> list[Person]:
    """A child whose parents were never folkbokförd (list has no adults left)."""
    rng = p.rng
    number = p.draw(
        None, ADULT_BORN_BY + 1, YOUNGEST_TEST_YEAR, rng.randint(2010, 2023)
    )
    if number is None:
        number = p.draw(None, 1890, YOUNGEST_TEST_YEAR, 1990)
    if number is None:
        raise LookupError("the identity pool is empty in its own mode")
    if p.virtual_year(number) <= ADULT_BORN_BY:
        return [single_from(p, number)]

    child = p.person(number)
    child.dwelling = p.home(p.born(number))
    for kind in ("MO", "FA"):
        child.relations.append(_never_registered(p, child, kind))
    return [p.finish(child, p.born(number))]


def link_spouses(a: Person, b: Person, day: dt.date, kind: str) -> None:
    """Marry ``a`` and ``b`` (``M``, civilstånd G) or register them (``P``, RP)."""
    since = dates.as_int(day)
    a.relations.append(Relation(kind, b.person_id, since=since))
    b.relations.append(Relation(kind, a.person_id, since=since))
    a.civil = b.civil = ("G" if kind == "M" else "RP", since)


def _union_date(p: People, numbers: list[str], kind: str) -> dt.date | None:
    """When a pair married (or registered a partnership), or None if they could not."""
    oldest_possible = max(dates.add_years(p.born(n), 20) for n in numbers)
    if kind == "RP":
        low, high = max(oldest_possible, PARTNERSHIP_FROM), PARTNERSHIP_UNTIL
    else:
        low = max(oldest_possible, dates.add_years(REFERENCE, -50))
        high = REFERENCE - dt.timedelta(days=30)
    return dates.between(p.rng, low, high) if low <= high else None


def _children(p: People, parents: list[str], room: int, showcase: bool) -> list[str]:
    # Children are born when every parent was 18 to 45, and are under 18 now.
    years = [p.virtual_year(n) for n in parents]
    low = max(ADULT_BORN_BY + 1, max(years) + 18)
    high = min(YOUNGEST_TEST_YEAR, min(years) + 45)
    wanted = min(room, 2 if showcase else p.rng.choice((1, 1, 2, 2, 2, 3)))
    children: list[str] = []
    for _ in range(wanted if low <= high else 0):
        number = p.draw(None, low, high, p.rng.randint(low, high))
        if number is None:
            break
        children.append(number)
    return children


def _link_parents(p: People, child: Person, adults: list[Person], parents: str) -> None:
    since = child.birth
    for adult in adults:
        kind = "F" if parents == "FF" else PARENT_KIND[adult.sex]
        child.relations += [
            Relation(kind, adult.person_id, since=since),
            Relation("V", adult.person_id, since=since),
        ]
        adult.relations += [
            Relation("B", child.person_id, since=since),
            Relation("VF", child.person_id, since=since),
        ]
    if len(adults) == 1:
        other = "FA" if adults[0].sex == "K" else "MO"
        child.relations.append(_never_registered(p, child, other, adults[0]))


def _never_registered(
    p: People, child: Person, kind: str, partner: Person | None = None
) -> Relation:
    """A parent who was never folkbokförd: FodelsetidNr (date + 0000) and name."""
    rng = p.rng
    around = dates.from_int(partner.birth if partner else child.birth)
    years = rng.randint(-4, 4) if partner else -rng.randint(22, 40)
    born = dates.add_years(around, years) - dt.timedelta(days=rng.randint(0, 300))
    sex = "M" if kind == "FA" else "K"
    country = rng.choice(tuple(names.FOREIGN))
    return Relation(
        kind,
        fodelsetid=f"{dates.as_int(born)}0000",
        since=child.birth,
        name=names.foreign_name(rng, sex, country),
    )
