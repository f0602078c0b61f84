"""Identity numbers for generated persons: Skatteverket's test list, nothing else.

Every personnummer the generator writes is one of Skatteverket's public test
personnummer (``adapters/navet/data/testpersonnummer.csv``). Two kinds of number
are derived from them rather than copied, because no open list of them exists:

- a **samordningsnummer** is a test number with 60 added to its day of birth and
  the check digit computed again (:func:`samordningsnummer`);
- when a file asks for more persons than the list holds, the rest get numbers
  born **before 1840** (:meth:`IdentityPool.synthetic`): real dates, valid check
  digits, years for which no personnummer was ever issued.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterable
from functools import cache
from importlib import resources

DATA_PACKAGE = "adapters.navet.data"
TEST_LIST = "testpersonnummer.csv"

# Synthetic numbers are born this many years before the test number they stand
# in for, so that a household keeps its ages relative to each other.
SYNTHETIC_SHIFT = 200
SYNTHETIC_BEFORE = 1840

# Serial numbers step through the days of a year with a stride that is coprime
# to 365 and 366, so consecutive synthetic numbers do not share a birthday.
_DAY_STRIDE = 97


def check_digit(nine: str) -> int:
    """The Luhn check digit over the nine digits ``YYMMDDNNN``."""
    total = 0
    for index, char in enumerate(nine):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def is_luhn_valid(number: str) -> bool:
    """Whether a 12-digit number's last digit is the check digit of its tail."""
    return (
        len(number) == 12
        and number.isdigit()
        and check_digit(number[2:11]) == int(number[11])
    )


def birth_date(number: str) -> int:
    """The birth date ``YYYYMMDD`` of a personnummer or samordningsnummer."""
    day = int(number[6:8])
    return int(number[:6]) * 100 + (day - 60 if day > 60 else day)


def birth_year(number: str) -> int:
    """The birth year of a personnummer or samordningsnummer."""
    return int(number[:4])


def sex_of(number: str) -> str:
    """``M`` for an odd ninth digit of the ten-digit form, else ``K``."""
    return "M" if int(number[10]) % 2 else "K"


def is_samordningsnummer(number: str) -> bool:
    """A samordningsnummer has 61-91 as its day."""
    return int(number[6:8]) > 60


def samordningsnummer(personnummer: str) -> str:
    """Derive a samordningsnummer from a test personnummer: day + 60, new check.

    The result is *derived*: Skatteverket publishes no test samordningsnummer.
    """
    day = int(personnummer[6:8]) + 60
    nine = f"{personnummer[2:6]}{day:02d}{personnummer[8:11]}"
    return f"{personnummer[:2]}{nine}{check_digit(nine)}"


@cache
def listed_numbers() -> tuple[str, ...]:
    """Skatteverket's test personnummer shipped with the adapter, ascending."""
    text = resources.files(DATA_PACKAGE).joinpath(TEST_LIST).read_text("ascii")
    return tuple(line for line in text.split() if line.isdigit())


class IdentityPool:
    """Hands out test personnummer by sex and birth year, each number once.

    :meth:`take` draws from Skatteverket's list until it is empty;
    :meth:`synthetic` makes pre-1840 numbers once it is. The order in which
    numbers come out depends only on the ``rng`` given.
    """

    def __init__(self, rng: random.Random, numbers: Iterable[str] | None = None):
        self._rng = rng
        self._buckets: dict[tuple[int, str], list[str]] = {}
        for number in listed_numbers() if numbers is None else numbers:
            key = (birth_year(number), sex_of(number))
            self._buckets.setdefault(key, []).append(number)
        for bucket in self._buckets.values():
            rng.shuffle(bucket)
        self.remaining = sum(len(bucket) for bucket in self._buckets.values())
        self.size = self.remaining
        self._synthetic_taken: dict[tuple[int, str], int] = {}

    @property
    def exhausted(self) -> bool:
        """No number of the test list is left."""
        return self.remaining == 0

    def take(self, sex: str | None, low: int, high: int, prefer: int) -> str | None:
        """A test number born in ``low..high``, as near ``prefer`` as there is.

        ``sex`` is ``M``, ``K`` or ``None`` for either. Returns ``None`` when
        the list has no number left in that range.
        """
        prefer = min(max(prefer, low), high)
        sexes = (sex,) if sex else self._rng.sample(("M", "K"), 2)
        for distance in range(high - low + 1):
            for year in (prefer - distance, prefer + distance):
                if not low <= year <= high:
                    continue
                for wanted in sexes:
                    bucket = self._buckets.get((year, wanted))
                    if bucket:
                        self.remaining -= 1
                        return bucket.pop()
        return None

    def synthetic(self, sex: str, year: int) -> str:
        """A number born in ``year`` (before 1840) that no person was ever given.

        Raises :class:`ValueError` for a year of 1840 or later, where such a
        number could clash with a real one.
        """
        if year >= SYNTHETIC_BEFORE:
            raise ValueError(f"synthetic numbers are born before {SYNTHETIC_BEFORE}")
        taken = self._synthetic_taken.get((year, sex), 0)
        self._synthetic_taken[(year, sex)] = taken + 1

        days = 366 if calendar.isleap(year) else 365
        day = dt.date(year, 1, 1) + dt.timedelta(days=(taken * _DAY_STRIDE) % days)
        serial = 2 * (taken // days) + (1 if sex == "M" else 2)
        if serial > 999:
            raise ValueError(f"no synthetic numbers left for {year}")
        nine = f"{year % 100:02d}{day.month:02d}{day.day:02d}{serial:03d}"
        return f"{year // 100:02d}{nine}{check_digit(nine)}"
