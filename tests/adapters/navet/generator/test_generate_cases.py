"""Every case of navet.md section 11 item 4 is in any file of 1000 persons.

Each case is found from the XML alone, with a detector that names what makes
it that case; the table runs for several seeds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from . import views
from .conftest import SEEDS, posts_of

Posts = list[etree._Element]
Index = dict[str, etree._Element]
ADULT_BORN_BY = 20081130


def ordinary_adult(post: etree._Element, index: Index) -> bool:
    born = views.person(post).findtext("Fodelsedatum") or "0"
    return views.is_ordinary(post) and int(born) <= ADULT_BORN_BY


def child_with(parent_kinds: list[str]) -> Callable[[etree._Element, Index], bool]:
    def detect(post: etree._Element, index: Index) -> bool:
        kinds = views.kinds(post)
        parents = sorted(kind for kind in kinds if kind in {"MO", "FA", "F"})
        return parents == sorted(parent_kinds) and kinds.count("V") == 2

    return detect


def guardian_parent(post: etree._Element, index: Index) -> bool:
    return {"VF", "B"} <= set(views.kinds(post))


def pair(kind: str, civil: str) -> Callable[[etree._Element, Index], bool]:
    def civil_of(post: etree._Element) -> str | None:
        return views.person(post).findtext("Civilstand/CivilstandKod")

    def detect(post: etree._Element, index: Index) -> bool:
        for relation_kind, other_id, _ in views.relations(post):
            other = index.get(other_id or "")
            if relation_kind != kind or other is None:
                continue
            back = [(k, rid) for k, rid, _ in views.relations(other)]
            if (
                civil_of(post) == civil_of(other) == civil
                and (kind, views.pid(post)) in back
            ):
                return True
        return False

    return detect


def widow(post: etree._Element, index: Index) -> bool:
    return views.person(post).findtext("Civilstand/CivilstandKod") == "Ä" and any(
        kind == "M" and r.findtext("Avregistrering/AvregistreringsorsakKod") == "AV"
        for kind, _, r in views.relations(post)
    )


def deregistered(code: str) -> Callable[[etree._Element, Index], bool]:
    def detect(post: etree._Element, index: Index) -> bool:
        date = views.person(post).findtext("Avregistrering/Avregistreringsdatum")
        return views.code(post) == code and bool(date)

    return detect


def found_dead(post: etree._Element, index: Index) -> bool:
    return views.code(post) == "AV" and bool(
        views.person(post).findtext("Avregistrering/AntraffadDod")
    )


def emigrated(post: etree._Element, index: Index) -> bool:
    abroad = views.person(post).find("Adresser/Utlandsadress")
    return views.code(post) == "UV" and abroad is not None


def referred_both_ways(code: str) -> Callable[[etree._Element, Index], bool]:
    def detect(post: etree._Element, index: Index) -> bool:
        new = views.referral(post)
        other = index.get(new or "")
        return (
            views.code(post) == code
            and views.referrals(post) == [new]
            and other is not None
            and views.referral(other) == views.pid(post)
            and views.referrals(other) == [views.pid(post)]
        )

    return detect


def coordination(post: etree._Element, index: Index) -> bool:
    pp = views.person(post)
    number = pp.findtext("PersonId/TilldelatPersonNrSamordningsNr") or "000000000000"
    return (
        61 <= int(number[6:8]) <= 91
        and pp.find("PersonId/Identitetsstatus/IdentitetsstatusVarde") is not None
        and pp.find("Adresser/SarskildPostadress") is not None
        and pp.find("Samordningsnummeruppgifter/Tilldelningsdatum") is not None
    )


def sekretess_reduced(post: etree._Element, index: Index) -> bool:
    pp = views.person(post)
    return views.flag(post, "Sekretessmarkering") == "J" and all(
        pp.find(tag) is None for tag in ("Adresser", "Relationer", "Civilstand")
    )


def skyddad_forwarding(post: etree._Element, index: Index) -> bool:
    pp = views.person(post)
    forwarding = pp.find("Adresser/SarskildPostadress")
    return (
        views.flag(post, "SkyddadFolkbokforing") == "J"
        and pp.find("Adresser/Folkbokforingsadress") is None
        and forwarding is not None
        and forwarding.findtext("Utdelningsadress1") == "SKATTEVERKET"
    )


def date_matching(pattern: str) -> Callable[[etree._Element, Index], bool]:
    def detect(post: etree._Element, index: Index) -> bool:
        return any(re.fullmatch(pattern, text) for _, text in views.dates_of(post))

    return detect


def long_name(post: etree._Element, index: Index) -> bool:
    name = views.person(post).find("Namn")
    parts = [name.findtext(t) for t in ("Fornamn", "Mellannamn", "Efternamn")]
    full = " ".join(part for part in parts if part)
    short = name.findtext("Aviseringsnamn") or ""
    return len(full) > 36 and 0 < len(short) <= 36


def address_has(
    path: str, pattern: str = ".+"
) -> Callable[[etree._Element, Index], bool]:
    def detect(post: etree._Element, index: Index) -> bool:
        value = views.person(post).findtext(path)
        return value is not None and re.fullmatch(pattern, value) is not None

    return detect


def several_citizenships(post: etree._Element, index: Index) -> bool:
    return len(views.person(post).findall("Medborgarskap")) >= 2


def history(post: etree._Element, index: Index) -> bool:
    return post.find("Historik/Folkbokforing/Folkbokforingstyp") is not None


def never_registered_relative(post: etree._Element, index: Index) -> bool:
    return any(
        re.fullmatch(r"\d{8}0000", r.findtext("RelationId/FodelsetidNr") or "")
        and r.find("Namn/Fornamn") is not None
        for _, _, r in views.relations(post)
    )


def nil_flags(post: etree._Element, index: Index) -> bool:
    flag = post.find("Sekretessmarkering")
    return flag is not None and flag.get(views.XSI_NIL) == "true"


UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CASES: dict[str, Callable[[etree._Element, Index], bool]] = {
    "ordinary_adult": ordinary_adult,
    "child_with_mother_father_and_two_guardians": child_with(["MO", "FA"]),
    "child_with_two_parents_f_and_two_guardians": child_with(["F", "F"]),
    "parent_with_child_and_guardian_for": guardian_parent,
    "married_pair": pair("M", "G"),
    "registered_partners": pair("P", "RP"),
    "widow_with_deceased_spouse": widow,
    "deceased": deregistered("AV"),
    "deceased_found_dead": found_dead,
    "emigrated_with_address_abroad": emigrated,
    "number_change_gn_both_ways": referred_both_ways("GN"),
    "samordningsnummer": coordination,
    "samordningsnummer_replaced_gs_both_ways": referred_both_ways("GS"),
    "annulled_as": deregistered("AS"),
    "missing_ob": deregistered("OB"),
    "technical_ta": deregistered("TA"),
    "false_identity_fi": deregistered("FI"),
    "sekretessmarkering_reduced": sekretess_reduced,
    "skyddad_folkbokforing_forwarding_only": skyddad_forwarding,
    "incomplete_date_year_only": date_matching(r"\d{4}0000"),
    "incomplete_date_zero": date_matching("0"),
    "long_name_with_aviseringsnamn": long_name,
    "care_of": address_has("Adresser/Folkbokforingsadress/CareOf", "C/O .+"),
    "utdelningsadress1": address_has("Adresser/Folkbokforingsadress/Utdelningsadress1"),
    "apartment_number": address_has("Folkbokforing/Lagenhet", r"\d{4}"),
    "address_uuids": address_has("Adresser/UUID/Adress", UUID),
    "apartment_uuid": address_has("Adresser/UUID/Lagenhet", UUID),
    "several_citizenships": several_citizenships,
    "distriktskod": address_has("Adresser/Distrikt/Distriktskod", r"\d{6}"),
    "historik": history,
    "never_registered_relative_by_fodelsetidnr": never_registered_relative,
    "nil_protection_flags": nil_flags,
}


@pytest.fixture(scope="module", params=SEEDS, ids=lambda seed: f"seed{seed}")
def thousand(request: pytest.FixtureRequest, make_file: Callable[..., Path]) -> Posts:
    return posts_of(make_file(1000, seed=request.param))


@pytest.mark.parametrize("case", CASES)
def test_case_appears_in_a_file_of_1000_persons(thousand: Posts, case: str) -> None:
    index = views.by_id(thousand)
    assert any(CASES[case](post, index) for post in thousand)


def test_ordinary_persons_dominate(make_file: Callable[..., Path]) -> None:
    posts = posts_of(make_file(5000, seed=3))
    share = sum(views.is_ordinary(post) for post in posts) / len(posts)
    assert 0.8 <= share <= 0.92
