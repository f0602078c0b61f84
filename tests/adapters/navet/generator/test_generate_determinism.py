"""Same seed, same bytes; dates lie between birth and the reference day."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.generator import Order, generate
from adapters.navet.generator.dates import REFERENCE

from . import views

REFERENCE_DAY = REFERENCE.year * 10000 + REFERENCE.month * 100 + REFERENCE.day
# Dates that lie in the future by nature.
FUTURE_ALLOWED = {"PreliminartVilandeforklaringsdatum"}
# Dates of the person's own life, which cannot be before the person was born.
OWN_EVENTS = {"Folkbokforingsdatum", "Avregistreringsdatum", "Civilstandsdatum"}


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    generate(Order(300, "25", seed=11), first)
    generate(Order(300, "25", seed=11), second)
    assert first.read_bytes() == second.read_bytes()


def test_different_seeds_give_different_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    generate(Order(300, "25", seed=11), first)
    generate(Order(300, "25", seed=12), second)
    assert first.read_bytes() != second.read_bytes()


def test_no_date_is_after_the_reference_day(grund_posts: list[etree._Element]) -> None:
    late = [
        (tag, text)
        for post in grund_posts
        for tag, text in views.dates_of(post)
        if tag not in FUTURE_ALLOWED and int(text) > REFERENCE_DAY
    ]
    assert late == []


def test_change_times_are_fourteen_digits_up_to_the_reference_day(
    grund_posts: list[etree._Element],
) -> None:
    stamps = [str(views.changed_at(post)) for post in grund_posts]
    assert all(re.fullmatch(r"\d{14}", stamp) for stamp in stamps)
    assert max(int(stamp[:8]) for stamp in stamps) <= REFERENCE_DAY


def test_own_life_events_are_not_before_birth(
    grund_posts: list[etree._Element],
) -> None:
    early = []
    for post in grund_posts:
        born = int(views.person(post).findtext("Fodelsedatum") or 0)
        for tag, text in views.dates_of(post):
            if tag in OWN_EVENTS and int(text) % 100 and int(text) < born:
                early.append((tag, text))
    assert early == []


def test_an_interrupted_run_leaves_no_file_behind(tmp_path: Path) -> None:
    def interrupt(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generate(Order(2500, "25"), tmp_path / "out.xml", interrupt)
    assert list(tmp_path.iterdir()) == []
