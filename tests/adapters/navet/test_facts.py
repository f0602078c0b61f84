"""facts_of: what the mirror lifts out of a post, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.facts import PostFacts, facts_of
from regionnav.errors import PostContentError

DATA = Path(__file__).parents[2] / "data" / "navet"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Skatteverket's public test personnummer (shared/testdata), nobody real.
ADULT = "194107086995"
OTHER = "195001182046"


def posts_of(name: str) -> list[etree._Element]:
    return list(etree.parse(str(DATA / name)).getroot().iter("Folkbokforingspost"))


def post_with(personpost_body: str, before: str = "") -> etree._Element:
    return etree.fromstring(
        f'<Folkbokforingspost xmlns:xsi="{XSI}">{before}'
        f"<Personpost>{personpost_body}</Personpost></Folkbokforingspost>"
    )


def with_id(number: str, element: str = "PersonNr", rest: str = "") -> str:
    return f"<PersonId><{element}>{number}</{element}></PersonId>{rest}"


VARIANT_FACTS = [
    # post 1: empty and nil everywhere
    PostFacts(
        person_id="195001182046",
        id_kind="PNR",
        changed_at=20240101000001,
        sekretessmarkering=False,
        skyddad_folkbokforing=False,
        avregistreringskod=None,
        avregistreringsdatum=None,
        hanvisningar=(),
        lan_kod=None,
        kommun_kod=None,
        folkbokforingsdatum=None,
    ),
    # post 2: sekretess J, no SkyddadFolkbokforing, legacy A, 19750000, ForsamlingKod
    PostFacts(
        person_id="196410102880",
        id_kind="PNR",
        changed_at=20240101000002,
        sekretessmarkering=True,
        skyddad_folkbokforing=False,
        avregistreringskod="A",
        avregistreringsdatum="19750000",
        hanvisningar=(),
        lan_kod="14",
        kommun_kod="1480",
        folkbokforingsdatum="19640000",
    ),
    # post 3: skyddad J, unknown PersonId children with numbers, legacy G, date 0
    PostFacts(
        person_id="197605102388",
        id_kind="PNR",
        changed_at=20240101000003,
        sekretessmarkering=False,
        skyddad_folkbokforing=True,
        avregistreringskod="G",
        avregistreringsdatum="0",
        hanvisningar=("197701112380", "198001022386"),
        lan_kod="25",
        kommun_kod="2580",
        folkbokforingsdatum="0",
    ),
    # post 4: no Arendeuppgift, HanvisningsPersonNr, legacy O
    PostFacts(
        person_id="198008302385",
        id_kind="PNR",
        changed_at=None,
        sekretessmarkering=False,
        skyddad_folkbokforing=False,
        avregistreringskod="O",
        avregistreringsdatum="20100500",
        hanvisningar=("198104282382",),
        lan_kod="01",
        kommun_kod="0180",
        folkbokforingsdatum="19800830",
    ),
]


@pytest.mark.parametrize("index", range(len(VARIANT_FACTS)))
def test_variant_post_gives_expected_facts(index: int) -> None:
    assert facts_of(posts_of("variants.xml")[index]) == VARIANT_FACTS[index]


@pytest.mark.parametrize("index", range(len(VARIANT_FACTS)))
def test_facts_of_bytes_equal_facts_of_element(index: int) -> None:
    element = posts_of("variants.xml")[index]
    assert facts_of(etree.tostring(element)) == facts_of(element)


def test_every_element_post_collects_all_referrals_once() -> None:
    facts = facts_of(posts_of("every-element.xml")[0])
    assert facts.hanvisningar == ("199401135679", "197902069272")
    assert (facts.avregistreringskod, facts.kommun_kod) == ("GN", "0125")


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (with_id(ADULT), "PNR"),
        (with_id(ADULT, "TilldelatPersonNrSamordningsNr"), "SNR"),
        # Day of birth + 60 marks a samordningsnummer. Derived from a test
        # personnummer without fixing the check digit, so it is nobody's number.
        (with_id(ADULT[:6] + "68" + ADULT[8:]), "SNR"),
    ],
)
def test_id_kind_follows_element_and_day_of_birth(body: str, kind: str) -> None:
    assert facts_of(post_with(body)).id_kind == kind


@pytest.mark.parametrize(
    ("lan", "kommun", "expected"),
    [
        ("01", "25", "0125"),
        ("25", "80", "2580"),
        (None, "25", None),
        ("01", None, None),
        ("01", "0125", "0125"),
    ],
)
def test_kommun_code_is_lan_plus_kommun(
    lan: str | None, kommun: str | None, expected: str | None
) -> None:
    parts = "".join(
        f"<{tag}>{value}</{tag}>"
        for tag, value in (("LanKod", lan), ("KommunKod", kommun))
        if value is not None
    )
    body = with_id(ADULT, rest=f"<Folkbokforing>{parts}</Folkbokforing>")
    assert facts_of(post_with(body)).kommun_kod == expected


@pytest.mark.parametrize(
    ("before", "flag"),
    [
        ("<Sekretessmarkering>J</Sekretessmarkering>", True),
        ("<Sekretessmarkering>N</Sekretessmarkering>", False),
        ("<Sekretessmarkering/>", False),
        ('<Sekretessmarkering xsi:nil="true"/>', False),
        ("", False),
    ],
)
def test_sekretessmarkering_is_true_only_for_j(before: str, flag: bool) -> None:
    assert facts_of(post_with(with_id(ADULT), before)).sekretessmarkering is flag


CHANGED_AT = "Arendeuppgift/@andringstidpunkt"
SAMORDNING = "TilldelatPersonNrSamordningsNr"

REFUSED_PERSONPOST = [
    # (Personpost content, element named in the error)
    ("<PersonId/>", "PersonId"),
    ("<Namn/>", "PersonId"),
    (with_id(ADULT) + with_id(OTHER), "PersonId"),
    (f"<PersonId><PersonNr>{ADULT}</PersonNr>"
     f"<{SAMORDNING}>{OTHER}</{SAMORDNING}></PersonId>", "PersonId"),
    (with_id("xxxxxxxxxx"), "PersonNr"),
    (with_id(ADULT[:11]), "PersonNr"),
    (with_id(ADULT + "0"), "PersonNr"),
    (with_id("\uff11" * 12), "PersonNr"),  # full-width digits are not digits here
    ('<PersonId><PersonNr xsi:nil="true"/></PersonId>', "PersonNr"),
    (with_id("", SAMORDNING), SAMORDNING),
    (with_id(ADULT, rest="<HanvisningsPersonNr>12</HanvisningsPersonNr>"),
     "HanvisningsPersonNr"),
    (with_id(ADULT, rest="<Avregistrering><Avregistreringsdatum>1975-00-00"
     "</Avregistreringsdatum></Avregistrering>"), "Avregistreringsdatum"),
    (with_id(ADULT, rest="<Folkbokforing><Folkbokforingsdatum>202401011"
     "</Folkbokforingsdatum></Folkbokforing>"), "Folkbokforingsdatum"),
]  # fmt: skip

REFUSED_BEFORE_PERSONPOST = [
    # (content before Personpost, element named in the error)
    ("<Sekretessmarkering>X</Sekretessmarkering>", "Sekretessmarkering"),
    ("<SkyddadFolkbokforing>JA</SkyddadFolkbokforing>", "SkyddadFolkbokforing"),
    ('<Arendeuppgift andringstidpunkt="2024-01-01"/>', CHANGED_AT),
    ('<Arendeuppgift andringstidpunkt="20240101"/>', CHANGED_AT),
]


@pytest.mark.parametrize(("body", "element"), REFUSED_PERSONPOST)
def test_wrong_personpost_is_refused_naming_the_element(
    body: str, element: str
) -> None:
    with pytest.raises(PostContentError) as caught:
        facts_of(post_with(body))
    assert caught.value.element == element


@pytest.mark.parametrize(("before", "element"), REFUSED_BEFORE_PERSONPOST)
def test_wrong_flag_or_change_time_is_refused_naming_it(
    before: str, element: str
) -> None:
    with pytest.raises(PostContentError) as caught:
        facts_of(post_with(with_id(ADULT), before))
    assert caught.value.element == element


def test_refusal_never_repeats_the_value() -> None:
    with pytest.raises(PostContentError) as caught:
        facts_of(post_with(with_id(ADULT + "9")))
    assert ADULT not in str(caught.value)


def test_post_without_personpost_is_refused() -> None:
    with pytest.raises(PostContentError, match="Personpost"):
        facts_of(etree.fromstring("<Folkbokforingspost/>"))


def test_element_other_than_a_post_is_refused() -> None:
    with pytest.raises(PostContentError, match="not a Folkbokforingspost"):
        facts_of(etree.fromstring("<Personpost/>"))


def test_bytes_with_a_doctype_are_refused() -> None:
    document = b'<!DOCTYPE x [<!ENTITY e "e">]><Folkbokforingspost/>'
    with pytest.raises(PostContentError, match="DTD"):
        facts_of(document)
