"""Reading values from Navet posts into the contract's forms."""

from __future__ import annotations

import pytest

from services.persons import post
from services.persons.contract import PERSONNUMMER_OID, SAMORDNINGSNUMMER_OID
from services.persons.post import PartialDate, Subject
from services.persons.response import RequestedId

from .people import CURRENT, ORDINARY, REPLACED, stored, subject


@pytest.mark.parametrize(
    ("navet", "expected"),
    [
        ("19770508", PartialDate("YYYY-MM-DD", "1977-05-08")),
        ("20050600", PartialDate("YYYY-MM", "2005-06")),
        ("19750000", PartialDate("YYYY", "1975")),
        ("19751300", PartialDate("YYYY", "1975")),
        ("19750245", PartialDate("YYYY-MM", "1975-02")),
        ("0", None),
        ("00000000", None),
        ("00000512", None),
        ("1975", None),
        ("197505081", None),
        (None, None),
    ],
)
def test_incomplete_navet_dates_keep_their_precision(
    navet: str | None, expected: PartialDate | None
) -> None:
    assert post.partial_date(navet) == expected


@pytest.mark.parametrize(
    ("person_id", "code"),
    [("197705082399", post.MALE), ("197703292388", post.FEMALE)],
)
def test_gender_comes_from_the_second_last_digit(person_id: str, code: str) -> None:
    assert post.gender(person_id) == code


@pytest.mark.parametrize(
    ("person_id", "born"),
    [("197607222390", "19760722"), ("197607822390", "19760722")],
)
def test_birth_date_of_a_samordningsnummer_drops_the_sixty(
    person_id: str, born: str
) -> None:
    assert post.birth_date_of_id(person_id) == born


@pytest.mark.parametrize(
    ("navet", "expected"),
    [("97234", "97234"), ("972 35", "97235"), ("YYY YYY", None), ("123456", None)],
)
def test_postcodes_become_the_contracts_integer(
    navet: str, expected: str | None
) -> None:
    assert post.postal_code(navet) == expected


@pytest.mark.parametrize(
    ("root", "extension", "person_id"),
    [
        (PERSONNUMMER_OID, "197705082399", "197705082399"),
        (SAMORDNINGSNUMMER_OID, "197607822390", "197607822390"),
        (PERSONNUMMER_OID, " 197705082399 ", "197705082399"),
        ("1.2.752.74.9.1", "197705082399", None),
        ("1.2.752.129.2.1.3.2", "197705082399", None),
        (PERSONNUMMER_OID, None, None),
        (PERSONNUMMER_OID, "19770508-2399", None),
        (PERSONNUMMER_OID, "?", None),
    ],
)
def test_only_personnummer_and_samordningsnummer_roots_are_looked_up(
    root: str, extension: str | None, person_id: str | None
) -> None:
    assert RequestedId(root, extension).person_id == person_id


def test_referred_numbers_come_from_the_post() -> None:
    replaced = subject(REPLACED)
    assert replaced.referred == (CURRENT,)
    assert not replaced.primary

    current = subject(CURRENT)
    assert current.referred == (REPLACED,)
    assert current.primary


def test_referred_numbers_add_the_mirrors_links_once() -> None:
    current = Subject.of(stored(CURRENT), linked=(REPLACED, ORDINARY, CURRENT))
    assert current.referred == (REPLACED, ORDINARY)


@pytest.mark.parametrize(
    ("relations", "expected"),
    [(False, set()), (True, {"198002182395", "201001012390"})],
)
def test_named_numbers_include_related_persons_only_from_profile_4(
    relations: bool, expected: set[str]
) -> None:
    assert subject(ORDINARY).named_numbers(relations) == expected
