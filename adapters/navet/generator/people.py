"""The toolkit households are made with: numbers, persons, homes, dates.

A household is made in one *mode*: from Skatteverket's test list while it has
numbers, or from pre-1840 numbers once it is empty, never both, so that a
child's number is always younger than its parents'. A pre-1840 household lives
its life as if born :data:`~.identities.SYNTHETIC_SHIFT` years later: ages,
marriages and moves are drawn from those *virtual* birth dates, which keeps
every event date after the birth date in the number and before the reference
date.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from adapters.navet.generator import addresses, dates, names
from adapters.navet.generator.identities import (
    SYNTHETIC_BEFORE,
    SYNTHETIC_SHIFT,
    IdentityPool,
    birth_date,
    sex_of,
)
from adapters.navet.generator.model import Dwelling, Person
from adapters.navet.generator.places import BIRTH_PARISHES, COUNTRIES, Kommun

REFERENCE = dates.REFERENCE
ADULT_BORN_BY = REFERENCE.year - 18
YOUNGEST_TEST_YEAR = 2023
OLDEST_TEST_YEAR = 1890


class People:
    """Draws numbers and makes persons, homes and dates for one file."""

    def __init__(
        self, rng: random.Random, pool: IdentityPool, kommuner: tuple[Kommun, ...]
    ) -> None:
        self.rng = rng
        self.pool = pool
        self.kommuner = kommuner
        self._weights = [kommun.population for kommun in kommuner]
        self.synthetic = False
        self.synthetic_count = 0

    def begin_household(self) -> None:
        """Fix the numbering mode for the household about to be made."""
        self.synthetic = self.pool.exhausted

    # Numbers ---------------------------------------------------------------

    def draw(self, sex: str | None, low: int, high: int, prefer: int) -> str | None:
        """A number born in ``low..high`` (real-world years), or ``None``.

        In the pre-1840 mode there is always a number, born
        :data:`SYNTHETIC_SHIFT` years before ``prefer``.
        """
        if not self.synthetic:
            return self.pool.take(sex, low, high, prefer)
        year = min(max(prefer, low), high) - SYNTHETIC_SHIFT
        self.synthetic_count += 1
        return self.pool.synthetic(sex or self.rng.choice("MK"), year)

    def adult(
        self,
        sex: str | None = None,
        low: int = OLDEST_TEST_YEAR,
        high: int = ADULT_BORN_BY,
        prefer: int | None = None,
    ) -> str | None:
        """A number of someone 18 or older at the reference date."""
        if prefer is None:
            prefer = self.rng.randint(max(low, 1935), min(high, 2006))
        return self.draw(sex, low, min(high, ADULT_BORN_BY), prefer)

    def born(self, number: str) -> dt.date:
        """The virtual birth date of ``number``, from which events are drawn."""
        day = dates.from_int(birth_date(number))
        return (
            dates.add_years(day, SYNTHETIC_SHIFT)
            if day.year < SYNTHETIC_BEFORE
            else day
        )

    def virtual_year(self, number: str) -> int:
        """The birth year in real-world terms (pre-1840 numbers shifted back)."""
        return self.born(number).year

    # Persons ---------------------------------------------------------------

    def person(
        self, number: str, surname: str | None = None, long: bool = False
    ) -> Person:
        """A Swedish-born person with the number's birth date and sex."""
        sex = sex_of(number)
        if self.rng.random() < 0.7:
            born_in = self.kommun()
            birthplace = (born_in.lan, born_in.forsamling)
        else:
            birthplace = self.rng.choice(tuple(BIRTH_PARISHES.items()))
        return Person(
            person_id=number,
            sex=sex,
            birth=birth_date(number),
            name=names.swedish_name(self.rng, sex, surname, long=long),
            flags_nil=self.rng.random() < 0.08,
            civil=("OG", None),
            born_in=birthplace,
            citizenships=[("SE", 0)],
        )

    def foreigner(self, number: str, country: str | None = None) -> Person:
        """A person born abroad, with a name and citizenship of that country."""
        country = country or self.rng.choice(tuple(COUNTRIES))
        land, towns = COUNTRIES[country]
        sex = sex_of(number)
        return Person(
            person_id=number,
            sex=sex,
            birth=birth_date(number),
            name=names.foreign_name(self.rng, sex, country),
            civil=("OG", None),
            born_abroad=(self.rng.choice(towns), land),
            citizenships=[(country, 0)],
        )

    # Homes and dates -------------------------------------------------------

    def kommun(self) -> Kommun:
        """A kommun of the file, weighted by population."""
        return self.rng.choices(self.kommuner, self._weights)[0]

    def home(
        self,
        since: dt.date,
        flat: bool | None = None,
        care_of: str | None = None,
        line1: bool = False,
    ) -> Dwelling:
        """A new home in one of the file's kommuner, lived in from ``since``."""
        return addresses.dwelling(
            self.rng,
            self.kommun(),
            dates.as_int(since),
            flat=flat,
            care_of=care_of,
            line1=line1,
        )

    def moved_in(self, adults: list[str], floor_years: int = 18) -> dt.date:
        """When a household of ``adults`` moved into its home (after each was
        ``floor_years`` old when possible, never after the reference date)."""
        youngest = max(self.born(number) for number in adults)
        latest = REFERENCE - dt.timedelta(days=14)
        low = max(
            dates.add_years(youngest, floor_years), dates.add_years(REFERENCE, -35)
        )
        return dates.between(self.rng, min(low, latest), latest)

    def earlier_home(self, number: str, before: dt.date) -> Dwelling | None:
        """A home ``number`` lived in before ``before``, if they were old enough."""
        low = dates.add_years(self.born(number), 18)
        if (before - low).days < 365:
            return None
        since = dates.between(self.rng, low, before - dt.timedelta(days=180))
        return self.home(since)

    def with_since(self, home: Dwelling, since: dt.date) -> Dwelling:
        """``home`` for a member who was registered there from ``since``."""
        return replace(home, since=dates.as_int(since))

    def finish(self, person: Person, last_event: dt.date) -> Person:
        """Stamp the time Skatteverket registered the person's latest change."""
        registered = last_event + dt.timedelta(days=self.rng.randint(0, 14))
        person.changed_at = dates.moment(self.rng, min(registered, REFERENCE))
        return person
