"""Reading a stored Navet post for the GetPersonsForProfile mappings.

The mirror keeps every ``Folkbokforingspost`` as Navet delivered it; this
module turns its values into the forms the contract wants: text with nil and
blank treated as absent, Navet's incomplete dates as ``PartialDateType``
parts, change times as ``xs:dateTime``, and what the identity number itself
says (gender, birth date). Nothing here knows a contract version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from adapters.navet.facts import MAX_POST_BYTES, facts_of, value_of
from regionnav import protection, xmlsafe
from regionnav.errors import StoreError, UnsafeXmlError
from regionnav.records import StoredPerson

YEAR = "YYYY"
YEAR_MONTH = "YYYY-MM"
FULL_DATE = "YYYY-MM-DD"

# Number changes: the identity was replaced by the one it refers to (G: legacy).
REPLACED = frozenset({"GN", "GS", "G"})

# ISO/IEC 5218, as in Inera's samples: every man there is answered with "1".
MALE = "1"
FEMALE = "2"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of known precision: ``format`` is YYYY, YYYY-MM or YYYY-MM-DD."""

    format: str
    value: str


@dataclass(frozen=True, slots=True)
class Subject:
    """What one ``personRecord`` is built from.

    ``post`` is the parsed ``Folkbokforingspost`` of ``person``; ``others``
    are the person's other numbers (hänvisningar in the post and number
    changes the mirror linked), in the order first seen. ``hidden`` are
    numbers the record must not name: people the consumer may see only
    masked (see :func:`regionnav.protection.hidden_numbers`).
    """

    person: StoredPerson
    post: etree._Element
    others: tuple[str, ...]
    hidden: frozenset[str] = frozenset()

    @classmethod
    def of(cls, person: StoredPerson, linked: tuple[str, ...] = ()) -> Subject:
        """Parse the stored post; ``linked`` adds numbers from the mirror's links.

        Raises :class:`~regionnav.errors.StoreError` or
        :class:`~regionnav.errors.PostContentError` if the stored post is
        broken (a damaged row, or a post the mirror took but cannot serve).
        """
        try:
            element = xmlsafe.fromstring(person.post_xml, max_bytes=MAX_POST_BYTES)
        except UnsafeXmlError as exc:
            # The store's data, not the caller's request: a server fault.
            raise StoreError("a stored post cannot be read") from exc
        numbers = (*facts_of(element).hanvisningar, *linked)
        others = tuple(n for n in dict.fromkeys(numbers) if n != person.person_id)
        return cls(person, element, others)

    def hiding(self, hidden: frozenset[str]) -> Subject:
        """The same subject with ``hidden`` numbers left out of its record."""
        return replace(self, hidden=hidden)

    @property
    def referred(self) -> tuple[str, ...]:
        """The other numbers the record names."""
        return tuple(n for n in self.others if n not in self.hidden)

    def named_numbers(self, relations: bool) -> set[str]:
        """Every number the record could name: the other numbers and, with
        ``relations`` (profile 4 and up), the related persons'."""
        related = protection.related_numbers(self.post) if relations else set()
        return set(self.others) | related

    @property
    def primary(self) -> bool:
        """False once Navet replaced this number by another (GN, GS)."""
        return self.person.avregistreringskod not in REPLACED


def text(parent: etree._Element | None, path: str) -> str | None:
    """The text at ``path`` below ``parent``; ``None`` when absent, nil or blank."""
    if parent is None:
        return None
    # A child's name alone is matched in lxml's C code, at half the cost of
    # find()'s path machinery (a record reads some twenty of them).
    if "/" in path:
        element = parent.find(path)
    else:
        element = next(parent.iterchildren(path), None)
    return None if element is None else value_of(element)


def partial_date(value: str | None) -> PartialDate | None:
    """Navet's ``OfullstandigtDatum`` (``YYYYMMDD``, zeros where unknown).

    ``19750000`` is the year 1975 and ``19750300`` March 1975; ``0``, an
    unknown year and anything that is not eight digits give ``None``, since
    the contract has no form for "unknown". An impossible month or day is
    treated as unknown from that part on.
    """
    if value is None or len(value) != 8 or not value.isascii() or not value.isdigit():
        return None
    year, month, day = value[:4], int(value[4:6]), int(value[6:8])
    if year == "0000":
        return None
    if not 1 <= month <= 12:
        return PartialDate(YEAR, year)
    if not 1 <= day <= 31:
        return PartialDate(YEAR_MONTH, f"{year}-{month:02d}")
    return PartialDate(FULL_DATE, f"{year}-{month:02d}-{day:02d}")


def date_time(value: str | None) -> str | None:
    """``YYYYMMDDhhmmss`` as ``xs:dateTime`` in Swedish local time (no zone)."""
    if value is None or len(value) != 14 or not value.isdigit():
        return None
    return (
        f"{value[:4]}-{value[4:6]}-{value[6:8]}"
        f"T{value[8:10]}:{value[10:12]}:{value[12:14]}"
    )


def gender(person_id: str) -> str:
    """The gender code the number carries: odd second-last digit is a man."""
    return MALE if int(person_id[10]) % 2 else FEMALE


def birth_date_of_id(person_id: str) -> str:
    """The birth date part of a 12-digit number (a samordningsnummer's day - 60)."""
    day = int(person_id[6:8])
    if day > 60:
        day -= 60
    return f"{person_id[:6]}{day:02d}"


def timestamp(person: StoredPerson) -> str:
    """The record's version as ``YYYYMMDDhhmmss``: its change time in the mirror."""
    return f"{person.valid_from:014d}"


def postal_code(value: str | None) -> str | None:
    """A Swedish postcode as the contract's integer; spaces dropped, else omitted."""
    if value is None:
        return None
    digits = value.replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 5:
        return None
    return str(int(digits))


def number(value: str | None, max_digits: int) -> str | None:
    """A non-negative integer of at most ``max_digits`` digits, else ``None``."""
    if value is None or not value.isascii() or not value.isdigit():
        return None
    stripped = str(int(value))
    return stripped if len(stripped) <= max_digits else None
