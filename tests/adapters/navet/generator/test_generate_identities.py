"""Person ids come only from Skatteverket's test list, derived from it, or pre-1840."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.generator import places, population
from adapters.navet.generator.identities import (
    IdentityPool,
    check_digit,
    is_luhn_valid,
    listed_numbers,
    samordningsnummer,
)

from . import views
from .conftest import posts_of

TEST_LIST = frozenset(listed_numbers())


def is_real_date(number: str, day_offset: int = 0) -> bool:
    try:
        dt.date(int(number[:4]), int(number[4:6]), int(number[6:8]) - day_offset)
    except ValueError:
        return False
    return True


def test_check_digit_of_a_known_test_number() -> None:
    assert check_digit("410708699") == 5


def test_samordningsnummer_adds_sixty_to_the_day_and_recomputes_the_check() -> None:
    number = samordningsnummer("194107086995")
    assert number[:11] == "19410768699"
    assert is_luhn_valid(number)


def test_the_shipped_list_is_skatteverkets_41127_numbers() -> None:
    assert len(TEST_LIST) == 41127
    assert all(is_luhn_valid(number) and is_real_date(number) for number in TEST_LIST)


def test_every_personnummer_is_from_the_test_list(
    grund_posts: list[etree._Element],
) -> None:
    numbers = [
        n for p in grund_posts for n in p.xpath("Personpost/PersonId/PersonNr/text()")
    ]
    assert numbers and set(numbers) <= TEST_LIST


def test_every_samordningsnummer_is_derived_from_a_test_number(
    grund_posts: list[etree._Element],
) -> None:
    path = "Personpost/PersonId/TilldelatPersonNrSamordningsNr/text()"
    numbers = [n for p in grund_posts for n in p.xpath(path)]
    assert numbers
    for number in numbers:
        assert 61 <= int(number[6:8]) <= 91
        assert is_luhn_valid(number) and is_real_date(number, day_offset=60)
        stem = f"{number[:6]}{int(number[6:8]) - 60:02d}{number[8:11]}"
        assert any(candidate.startswith(stem) for candidate in TEST_LIST)


def test_every_related_personnummer_is_a_person_of_the_file(
    grund_posts: list[etree._Element],
) -> None:
    ids = set(views.by_id(grund_posts))
    related = {
        other for p in grund_posts for _, other, _ in views.relations(p) if other
    }
    assert related and related <= ids


def test_no_number_is_used_twice(grund_posts: list[etree._Element]) -> None:
    ids = [views.pid(post) for post in grund_posts]
    assert len(ids) == len(set(ids))


def test_children_are_younger_than_their_parents(
    grund_posts: list[etree._Element],
) -> None:
    index = views.by_id(grund_posts)
    pairs = [
        (views.pid(post), parent)
        for post in grund_posts
        for kind, parent, _ in views.relations(post)
        if kind in {"MO", "FA", "F"} and parent in index
    ]
    assert pairs
    assert all(int(child[:8]) >= int(parent[:8]) + 160000 for child, parent in pairs)


def test_pool_hands_out_pre_1840_numbers_once_the_list_is_empty() -> None:
    rng = random.Random(3)
    pool = IdentityPool(rng, ["194107086995"])
    numbers = [pool.take(None, 1890, 2023, 1941)]
    numbers += [pool.synthetic(rng.choice("MK"), 1790 + i % 40) for i in range(5000)]
    assert pool.exhausted and numbers[0] == "194107086995"
    assert len(set(numbers)) == len(numbers)
    for number in numbers[1:]:
        assert int(number[:4]) < 1840
        assert is_luhn_valid(number) and is_real_date(number)


def test_pool_refuses_synthetic_numbers_from_1840_on() -> None:
    with pytest.raises(ValueError, match="1840"):
        IdentityPool(random.Random(1), []).synthetic("M", 1840)


def test_households_beyond_the_list_keep_children_younger_than_parents() -> None:
    rng = random.Random(8)
    pool = IdentityPool(rng, ["198001022386", "201001012382"])
    persons = list(population.persons(rng, pool, places.kommuner("25"), 400))
    born = {person.person_id: person.birth for person in persons}
    checked = 0
    for person in persons:
        for relation in person.relations:
            if relation.kind in {"MO", "FA", "F"} and relation.person_id in born:
                assert person.birth >= born[relation.person_id] + 160000
                checked += 1
    assert checked and sum(p.person_id[:4] < "1840" for p in persons) >= 398


@pytest.mark.slow
def test_a_file_larger_than_the_list_uses_every_test_number_first(
    make_file: Callable[..., Path],
) -> None:
    posts = posts_of(make_file(len(TEST_LIST) + 500, seed=4))
    ids = [views.pid(post) for post in posts]
    stems = {i[:6] + f"{int(i[6:8]) % 60:02d}" + i[8:11] for i in ids}
    listed = {n for n in TEST_LIST if n[:11] in stems}
    early = [i for i in ids if int(i[:4]) < 1840]
    assert len(listed) == len(TEST_LIST)
    assert len(early) == 500
    assert all(
        is_luhn_valid(i) and is_real_date(i, 60 * (int(i[6:8]) > 60)) for i in early
    )
