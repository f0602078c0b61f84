"""The rarer cases: deregistered persons, samordningsnummer, number changes,
protected persons.

Each function returns the posts of one case, like the household functions, and
falls back to an ordinary single adult when the test list cannot supply the
numbers the case needs.
"""

from __future__ import annotations

import datetime as dt

from adapters.navet.generator import addresses, dates, names
from adapters.navet.generator.households import lone_child, single_from
from adapters.navet.generator.identities import samordningsnummer, sex_of
from adapters.navet.generator.model import (
    Deregistration,
    IdentityState,
    Person,
    Samordning,
)
from adapters.navet.generator.people import REFERENCE, People

MONTH = dt.timedelta(days=30)
LEVELS = ("STYRKT", "SANNOLIK", "OSAKER")
# Since 1 September 2022 a person without known residence is deregistered
# as försvunnen (OB).
OB_FROM = dt.date(2022, 9, 1)


def deceased(p: People, showcase: bool, room: int) -> list[Person]:
    """A person who died (AV); when found dead, AntraffadDod and a vague date."""
    rng = p.rng
    number = p.adult(low=1890, high=1990, prefer=rng.randint(1900, 1945))
    if number is None:
        return lone_child(p)
    person = p.person(number)
    born = p.born(number)
    low = max(dates.add_years(born, 30), dates.add_years(REFERENCE, -20))
    died = dates.between(rng, min(low, REFERENCE - MONTH), REFERENCE - MONTH)
    person.history = [p.home(dates.between(rng, dates.add_years(born, 18), died))]

    deregistration = Deregistration("AV", dates.as_int(died))
    last = died
    if showcase or rng.random() < 0.25:
        found = min(died + dt.timedelta(days=rng.randint(2, 60)), REFERENCE)
        deregistration.found_dead = dates.as_int(found)
        # Found after some time: the day of death is known only to the month.
        deregistration.date = dates.as_int(died) // 100 * 100
        last = found
    person.deregistration = deregistration
    return [p.finish(person, last)]


def emigrated(p: People, showcase: bool, room: int) -> list[Person]:
    """A person who moved abroad (UV) and reported an address there."""
    rng = p.rng
    number = p.adult(prefer=rng.randint(1960, 2000))
    if number is None:
        return lone_child(p)
    person = p.person(number)
    born = p.born(number)
    low = max(dates.add_years(born, 18), dates.add_years(REFERENCE, -25))
    left = dates.between(rng, min(low, REFERENCE - MONTH), REFERENCE - MONTH)
    person.history = [p.home(dates.between(rng, born, left - MONTH))]
    person.deregistration = Deregistration("UV", dates.as_int(left))
    person.abroad = addresses.abroad(rng, dates.as_int(left + MONTH))
    return [p.finish(person, left + MONTH)]


def coordination(p: People, showcase: bool, room: int) -> list[Person]:
    """A samordningsnummer holder: not folkbokförd, special postal address."""
    rng = p.rng
    base = p.adult(prefer=rng.randint(1960, 2002))
    if base is None:
        return lone_child(p)
    person, assigned = _coordination_person(p, base)
    if (REFERENCE - assigned).days > 5 * 365 and rng.random() < 0.4:
        dormant = dates.add_years(assigned, 5)
        person.identity = IdentityState(
            "VILANDEFORKLARAT", dates.as_int(dormant), "TIDSFRIST"
        )
    if showcase or rng.random() < 0.75:
        care_of = rng.random() < 0.4
        person.postal = addresses.postal(
            rng,
            p.kommun(),
            addresses.care_of(rng.choice(names.SURNAMES)) if care_of else None,
        )
    else:
        person.abroad = addresses.abroad(rng, dates.as_int(assigned))
    return [p.finish(person, assigned)]


def coordination_replaced(p: People, showcase: bool, room: int) -> list[Person]:
    """GS: a samordningsnummer replaced by a personnummer, two posts."""
    rng = p.rng
    base = p.adult(prefer=rng.randint(1960, 2000))
    if base is None:
        return lone_child(p)
    year = p.virtual_year(base)
    new = p.draw(sex_of(base), year - 1, year + 1, year) if room >= 2 else None
    if new is None:
        return [single_from(p, base)]

    old, assigned = _coordination_person(p, base)
    registered = dates.between(rng, assigned + MONTH, REFERENCE - MONTH)
    old.deregistration = Deregistration("GS", dates.as_int(registered))
    old.identity = IdentityState("AVREGISTRERAT", dates.as_int(registered), "ERSATT")
    old.referral = new

    person = p.foreigner(new)
    person.name, person.born_abroad = old.name, old.born_abroad
    person.citizenships = list(old.citizenships)
    person.immigrated = dates.as_int(registered)
    person.dwelling = p.home(registered)
    person.referral = old.person_id
    return [p.finish(old, registered), p.finish(person, registered)]


def number_changed(p: People, showcase: bool, room: int) -> list[Person]:
    """GN: a personnummer replaced by another one, with referrals both ways."""
    rng = p.rng
    first = p.adult(prefer=rng.randint(1950, 2000))
    if first is None:
        return lone_child(p)
    year = p.virtual_year(first)
    new = p.draw(None, year - 2, year + 2, year) if room >= 2 else None
    if new is None:
        return [single_from(p, first)]

    person = single_from(p, new)
    old = p.person(first)
    old.name, old.born_in = person.name, person.born_in
    changed = dates.between(rng, dates.add_years(REFERENCE, -15), REFERENCE - MONTH)
    old.deregistration = Deregistration("GN", dates.as_int(changed))
    old.referral, person.referral = new, first
    last = max(changed, dates.day_of_moment(person.changed_at))
    return [p.finish(old, changed), p.finish(person, last)]


def deregistered(p: People, showcase: bool, room: int, code: str) -> list[Person]:
    """AS (annulled samordningsnummer), OB (missing), TA (technical), FI (false)."""
    rng = p.rng
    number = p.adult()
    if number is None:
        return lone_child(p)
    if code == "AS":
        person, assigned = _coordination_person(p, number)
        day = dates.between(rng, assigned + MONTH, REFERENCE - MONTH)
        person.identity = IdentityState(
            "AVREGISTRERAT", dates.as_int(day), "FELAKTIGT_REGISTRERAT"
        )
    else:
        person = p.person(number)
        low = OB_FROM if code == "OB" else dates.add_years(REFERENCE, -20)
        born18 = dates.add_years(p.born(number), 18)
        day = dates.between(rng, min(max(low, born18), REFERENCE), REFERENCE - MONTH)
        if code == "OB":
            moved = dates.between(rng, min(born18, day - MONTH), day - MONTH)
            person.history = [p.home(moved)]
    person.deregistration = Deregistration(code, dates.as_int(day))
    return [p.finish(person, day)]


def protected(p: People, showcase: bool, room: int, skyddad: bool) -> list[Person]:
    """Sekretessmarkering J, or skyddad folkbokföring with the forwarding address."""
    rng = p.rng
    number = p.adult()
    if number is None:
        return lone_child(p)
    person = p.person(number)
    moved = p.moved_in([number])
    person.dwelling = p.home(moved)
    person.sekretess = not skyddad or rng.random() < 0.5
    if skyddad:
        person.skyddad = True
        person.postal = addresses.forwarding()
    return [p.finish(person, moved)]


def _coordination_person(p: People, base: str) -> tuple[Person, dt.date]:
    # The number is derived from a test personnummer: day + 60, new check digit.
    rng = p.rng
    number = samordningsnummer(base)
    person = p.foreigner(number)
    person.samordning = True
    person.civil = None
    born = p.born(base)
    low = max(dates.add_years(born, 16), dates.add_years(REFERENCE, -12))
    assigned = dates.between(rng, min(low, REFERENCE - MONTH), REFERENCE - MONTH)
    day = dates.as_int(assigned)
    person.identity = IdentityState(
        "AKTIVT", day, level=rng.choice(LEVELS), level_date=day
    )
    person.samordning_info = Samordning(
        assigned=day, dormant_from=dates.as_int(dates.add_years(assigned, 5))
    )
    return person, assigned
