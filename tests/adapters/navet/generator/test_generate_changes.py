"""``--changes-of``: whole new posts for changed persons of the source file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.generator import ChangeOrder, generate_changes
from adapters.navet.reader import read_delivery

from . import views
from .conftest import parse, posts_of
from .test_generate_relations import INVERSE

Posts = list[etree._Element]


def civil(post: etree._Element) -> str | None:
    return views.person(post).findtext("Civilstand/CivilstandKod")


def registered_on(post: etree._Element) -> str | None:
    return views.person(post).findtext("Folkbokforing/Folkbokforingsdatum")


def moved(old: etree._Element | None, new: etree._Element, posts: Posts) -> bool:
    history = new.xpath("Historik/Folkbokforing/Folkbokforingsdatum/text()")
    return (
        old is not None
        and registered_on(new) not in (None, registered_on(old))
        and registered_on(old) in history
    )


def married(old: etree._Element | None, new: etree._Element, posts: Posts) -> bool:
    fresh = [k for k, _, r in views.relations(new) if r.get("status") == "NY"]
    return old is not None and civil(new) == "G" != civil(old) and "M" in fresh


def died(old: etree._Element | None, new: etree._Element, posts: Posts) -> bool:
    return old is not None and views.code(old) is None and views.code(new) == "AV"


def born(old: etree._Element | None, new: etree._Element, posts: Posts) -> bool:
    parents = {(k, r.get("status")) for k, _, r in views.relations(new)}
    return old is None and ("MO", "NY") in parents and ("V", "NY") in parents


def renumbered(old: etree._Element | None, new: etree._Element, posts: Posts) -> bool:
    index = views.by_id(posts)
    successor = index.get(views.referral(new) or "")
    return (
        old is not None
        and views.code(new) == "GN"
        and successor is not None
        and views.referral(successor) == views.pid(new)
    )


def protected(old: etree._Element | None, new: etree._Element, posts: Posts) -> bool:
    flags = (
        views.flag(old, "Sekretessmarkering") if old is not None else None,
        views.flag(new, "Sekretessmarkering"),
    )
    return flags[0] != "J" and flags[1] == "J" and old is not None


def lifted(old: etree._Element | None, new: etree._Element, posts: Posts) -> bool:
    was = old is not None and views.flag(old, "Sekretessmarkering") == "J"
    address = views.person(new).find("Adresser/Folkbokforingsadress")
    return was and views.flag(new, "Sekretessmarkering") == "N" and address is not None


CHANGES: dict[str, Callable[[etree._Element | None, etree._Element, Posts], bool]] = {
    "move_with_history": moved,
    "marriage": married,
    "death": died,
    "birth": born,
    "number_change_both_ways": renumbered,
    "protection_set": protected,
    "protection_lifted": lifted,
}


@pytest.mark.parametrize("change", CHANGES)
def test_change_kind_appears(
    grund_posts: Posts, change_posts: Posts, change: str
) -> None:
    source = views.by_id(grund_posts)
    assert any(
        CHANGES[change](source.get(views.pid(post)), post, change_posts)
        for post in change_posts
    )


@pytest.mark.parametrize("encoding", ["iso-8859-1", "utf-8"])
def test_avisering_validates_against_the_official_schema(
    grund: Path, tmp_path: Path, schema: etree.XMLSchema, encoding: str
) -> None:
    out = tmp_path / "changes.xml"
    generate_changes(ChangeOrder(grund, seed=5, encoding=encoding), out)
    assert schema.validate(parse(out)), schema.error_log.last_error


def test_avisering_touches_only_source_persons_newborns_and_new_numbers(
    grund_posts: Posts, change_posts: Posts
) -> None:
    source = set(views.by_id(grund_posts))
    outside = {views.pid(p) for p in change_posts} - source
    newborns = {views.pid(p) for p in change_posts if born(None, p, change_posts)}
    new_numbers = {views.referral(p) for p in change_posts if views.code(p) == "GN"}
    assert outside and outside <= newborns | new_numbers


def test_every_change_is_later_than_anything_in_the_source(
    grund_posts: Posts, change_posts: Posts
) -> None:
    source = {views.pid(p): views.changed_at(p) for p in grund_posts}
    latest = max(source.values())
    for post in change_posts:
        assert views.changed_at(post) > source.get(views.pid(post), latest)


def test_header_says_andringsavisering_and_counts_posts(changes: Path) -> None:
    with read_delivery(changes) as delivery:
        count = sum(1 for _ in delivery.posts())
        header = delivery.header
    assert header is not None and header.kind == "ANDRINGSAVISERING"
    assert header.post_count == count


def test_relations_stay_consistent_once_changes_are_applied(
    grund_posts: Posts, change_posts: Posts
) -> None:
    merged = views.by_id(grund_posts) | views.by_id(change_posts)
    for post in merged.values():
        if views.code(post) in {"GN", "GS"}:
            continue  # the old number keeps the relations it had
        for kind, other, _ in views.relations(post):
            if other is None:
                continue
            back = {
                k
                for k, rid, _ in views.relations(merged[other])
                if rid == views.pid(post)
            }
            assert back & INVERSE[kind], (kind, back)


def test_same_seed_gives_the_same_avisering(grund: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    generate_changes(ChangeOrder(grund, seed=9), first)
    generate_changes(ChangeOrder(grund, seed=9), second)
    assert first.read_bytes() == second.read_bytes()


def test_changes_of_changes_are_later_still(
    changes: Path, change_posts: Posts, tmp_path: Path
) -> None:
    out = tmp_path / "again.xml"
    generate_changes(ChangeOrder(changes, persons=5, seed=2), out)
    latest = max(views.changed_at(p) for p in change_posts)
    assert min(views.changed_at(p) for p in posts_of(out)) > latest
