"""Relations and referrals are consistent in both directions."""

from __future__ import annotations

import pytest
from lxml import etree

from . import views

# A relation of kind K on A's post to B needs one of these kinds on B's post to A.
INVERSE = {
    "V": {"VF"},
    "VF": {"V"},
    "B": {"MO", "FA", "F"},
    "MO": {"B"},
    "FA": {"B"},
    "F": {"B"},
    "M": {"M"},
    "P": {"P"},
}


@pytest.mark.parametrize("kind", INVERSE)
def test_relation_has_its_inverse_on_the_other_post(
    grund_posts: list[etree._Element], kind: str
) -> None:
    index = views.by_id(grund_posts)
    seen = 0
    for post in grund_posts:
        for relation_kind, other, _ in views.relations(post):
            if relation_kind != kind or other is None:
                continue
            back = {
                k
                for k, rid, _ in views.relations(index[other])
                if rid == views.pid(post)
            }
            assert back & INVERSE[kind], (kind, back)
            seen += 1
    assert seen


def test_mother_and_father_are_a_woman_and_a_man(
    grund_posts: list[etree._Element],
) -> None:
    sexes = {
        (kind, "M" if int(other[10]) % 2 else "K")
        for post in grund_posts
        for kind, other, _ in views.relations(post)
        if kind in {"MO", "FA"} and other
    }
    assert sexes == {("MO", "K"), ("FA", "M")}


@pytest.mark.parametrize("code", ["GN", "GS"])
def test_number_change_refers_both_ways(
    grund_posts: list[etree._Element], code: str
) -> None:
    index = views.by_id(grund_posts)
    old_posts = [post for post in grund_posts if views.code(post) == code]
    assert old_posts
    for old in old_posts:
        new = index[views.referral(old) or ""]
        assert views.referrals(old) == [views.pid(new)]
        assert views.referral(new) == views.pid(old)
        assert views.referrals(new) == [views.pid(old)]
        assert views.code(new) is None


def test_only_old_numbers_carry_referrals(grund_posts: list[etree._Element]) -> None:
    index = views.by_id(grund_posts)
    for post in grund_posts:
        other = views.referral(post)
        if other is not None:
            assert {views.code(post), views.code(index[other])} & {"GN", "GS"}


def test_widow_relation_points_at_the_deceased_spouse_post(
    grund_posts: list[etree._Element],
) -> None:
    index = views.by_id(grund_posts)
    widowed = [
        (post, other, relation)
        for post in grund_posts
        for kind, other, relation in views.relations(post)
        if kind == "M" and relation.find("Avregistrering") is not None
    ]
    assert widowed
    for post, other, relation in widowed:
        spouse = index[other or ""]
        died = views.person(spouse).findtext("Avregistrering/Avregistreringsdatum")
        assert views.code(spouse) == "AV"
        assert relation.findtext("Avregistrering/Avregistreringsdatum") == died
        assert views.person(post).findtext("Civilstand/Civilstandsdatum") == died
