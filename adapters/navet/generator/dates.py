"""Dates as Navet writes them: integers ``YYYYMMDD`` and ``YYYYMMDDhhmmss``.

Every date of a generated file is drawn relative to one fixed reference date,
never the clock, so that the same seed gives the same file on any day.
"""

from __future__ import annotations

import datetime as dt
import random

# The "today" of generated grunduttag files.
REFERENCE = dt.date(2026, 11, 30)


def as_int(day: dt.date) -> int:
    """``YYYYMMDD`` as an integer."""
    return day.year * 10000 + day.month * 100 + day.day


def from_int(value: int) -> dt.date:
    """The date of a complete ``YYYYMMDD`` (not an incomplete one)."""
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def between(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    """A day in ``low..high``; ``low`` itself when the range is empty."""
    span = (high - low).days
    return low if span <= 0 else low + dt.timedelta(days=rng.randint(0, span))


def moment(rng: random.Random, day: dt.date) -> int:
    """A time of ``day`` during office hours as ``YYYYMMDDhhmmss``."""
    seconds = rng.randint(7 * 3600, 19 * 3600)
    hours, rest = divmod(seconds, 3600)
    return as_int(day) * 1_000_000 + hours * 10000 + (rest // 60) * 100 + rest % 60


def day_of_moment(value: int) -> dt.date:
    """The date part of a ``YYYYMMDDhhmmss`` integer."""
    return from_int(value // 1_000_000)
