"""Small read-only views of generated posts, for the generator's tests."""

from __future__ import annotations

from lxml import etree

DATE_TAGS = frozenset(
    {
        "Fodelsedatum", "Folkbokforingsdatum", "Avregistreringsdatum", "AntraffadDod",
        "Civilstandsdatum", "Invandringsdatum", "Medborgarskapsdatum",
        "RelationFromdatum", "Utlandsadressdatum", "Tilldelningsdatum",
        "IdentitetsstatusDatum", "Identitetsnivadatum",
        "PreliminartVilandeforklaringsdatum",
    }
)  # fmt: skip
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def person(post: etree._Element) -> etree._Element:
    found = post.find("Personpost")
    assert found is not None
    return found


def pid(post: etree._Element) -> str:
    return person(post).findtext("PersonId/*") or ""


def code(post: etree._Element) -> str | None:
    return person(post).findtext("Avregistrering/AvregistreringsorsakKod")


def relations(post: etree._Element) -> list[tuple[str, str | None, etree._Element]]:
    """(Relationstyp, PersonNr or None, element) for each relation of a post."""
    return [
        (r.findtext("Relationstyp") or "", r.findtext("RelationId/PersonNr"), r)
        for r in person(post).iterfind("Relationer/Relation")
    ]


def kinds(post: etree._Element) -> list[str]:
    return [kind for kind, _, _ in relations(post)]


def by_id(posts: list[etree._Element]) -> dict[str, etree._Element]:
    return {pid(post): post for post in posts}


def referral(post: etree._Element) -> str | None:
    return person(post).findtext("HanvisningsPersonNr")


def referrals(post: etree._Element) -> list[str]:
    return [
        text or ""
        for text in person(post).xpath(
            "Hanvisningar/Hanvisning/HanvisningsPersonNr/text()"
        )
    ]


def changed_at(post: etree._Element) -> int:
    return int(post.find("Arendeuppgift").get("andringstidpunkt"))


def flag(post: etree._Element, tag: str) -> str | None:
    return post.findtext(tag)


def dates_of(post: etree._Element) -> list[tuple[str, str]]:
    """(tag, text) of every date element in a post."""
    return [(e.tag, e.text or "") for e in post.iter() if e.tag in DATE_TAGS]


def is_ordinary(post: etree._Element) -> bool:
    """Folkbokförd with a personnummer, not deregistered, not protected."""
    pp = person(post)
    return (
        pp.find("PersonId/PersonNr") is not None
        and code(post) is None
        and "J"
        not in (flag(post, "Sekretessmarkering"), flag(post, "SkyddadFolkbokforing"))
        and pp.find("Adresser/Folkbokforingsadress") is not None
    )
