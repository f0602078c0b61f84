"""Changes applied to an existing ``Folkbokforingspost``, in schema order.

A change notice carries the person's whole post again (navet.md 3.7), so each
function here edits a copy of the post as it was delivered and leaves every
element it does not concern as it was. Elements are put where the 2023 schema
wants them with :func:`.posts.place`.
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

from adapters.navet.generator import posts
from adapters.navet.generator.model import Dwelling, Relation
from adapters.navet.generator.posts import (
    ADRESSER_ORDER,
    PERSONPOST_ORDER,
    POST_ORDER,
    XSI_NIL,
)

DWELLING_PARTS = ("Folkbokforingsadress", "Riksnycklar", "UUID", "Distrikt")
REDUCED_KEEP = ("PersonId", "HanvisningsPersonNr", "Hanvisningar", "Avregistrering",
                "Fodelsedatum", "Namn", "Folkbokforing")  # fmt: skip


def personpost(post: etree._Element) -> etree._Element:
    """The ``Personpost`` of a post (every valid post has one)."""
    found = post.find("Personpost")
    if found is None:
        raise ValueError("a Folkbokforingspost without Personpost")
    return found


def person_id(post: etree._Element) -> str:
    """The personnummer or samordningsnummer the post is about."""
    return (personpost(post).findtext("PersonId/*") or "").strip()


def stamp(post: etree._Element, moment: int) -> None:
    """Set ``Arendeuppgift/@andringstidpunkt`` to ``moment``."""
    arende = _child(post, "Arendeuppgift", POST_ORDER)
    arende.set("andringstidpunkt", str(moment))


def set_flag(post: etree._Element, tag: str, value: str) -> None:
    """Set ``Sekretessmarkering`` or ``SkyddadFolkbokforing`` to J or N."""
    flag = _child(post, tag, POST_ORDER)
    if XSI_NIL in flag.attrib:
        del flag.attrib[XSI_NIL]
    flag.text = value


def move(post: etree._Element, home: Dwelling) -> None:
    """Register the person at ``home``; the former registration goes to history."""
    pp = personpost(post)
    _to_history(post)
    _replace(pp, "Folkbokforing", PERSONPOST_ORDER, _registration(home))
    addresses = _child(pp, "Adresser", PERSONPOST_ORDER)
    for part in addresses.findall("*"):
        if part.tag in DWELLING_PARTS:
            addresses.remove(part)
    holder = etree.Element("Adresser")
    posts.dwelling_addresses(holder, home)
    for part in list(holder):
        posts.place(addresses, part, ADRESSER_ORDER)


def deregister(post: etree._Element, code: str, day: int) -> None:
    """Deregister the person (AV, GN ...) from ``day``; an address no longer applies."""
    pp = personpost(post)
    element = etree.Element("Avregistrering")
    etree.SubElement(element, "AvregistreringsorsakKod").text = code
    etree.SubElement(element, "Avregistreringsdatum").text = str(day)
    _replace(pp, "Avregistrering", PERSONPOST_ORDER, element)
    if code == "AV":
        _to_history(post)
        for tag in ("Folkbokforing", "Adresser"):
            for old in pp.findall(tag):
                pp.remove(old)


def set_civil(post: etree._Element, code: str, day: int) -> None:
    """Set civilstånd ``code`` from ``day``."""
    element = etree.Element("Civilstand")
    etree.SubElement(element, "CivilstandKod").text = code
    etree.SubElement(element, "Civilstandsdatum").text = str(day)
    _replace(personpost(post), "Civilstand", PERSONPOST_ORDER, element)


def add_relation(post: etree._Element, relation: Relation) -> None:
    """Add a relation (with its ``status``, e.g. NY) to the post."""
    relations = _child(personpost(post), "Relationer", PERSONPOST_ORDER)
    posts.relation(relations, relation)


def relative_died(post: etree._Element, dead: str, day: int) -> None:
    """Mark the relations to ``dead`` as ended by death; a spouse is widowed."""
    for relation in _relations_to(post, dead):
        deregistration = etree.SubElement(relation, "Avregistrering")
        etree.SubElement(deregistration, "AvregistreringsorsakKod").text = "AV"
        etree.SubElement(deregistration, "Avregistreringsdatum").text = str(day)
        relation.set("status", "AV")
        kind = relation.findtext("Relationstyp")
        if kind in {"M", "P"}:
            set_civil(post, "Ä" if kind == "M" else "EP", day)


def relative_renumbered(post: etree._Element, old: str, new: str) -> None:
    """Point the relations to ``old`` at ``new`` (status PB: new number)."""
    for relation in _relations_to(post, old):
        relation_id = relation.find("RelationId/PersonNr")
        if relation_id is not None:
            relation_id.text = new
        relation.set("status", "PB")


def refer(post: etree._Element, other: str) -> None:
    """Add the hänvisning to ``other``: HanvisningsPersonNr and Hanvisningar."""
    pp = personpost(post)
    number = etree.Element("HanvisningsPersonNr")
    number.text = other
    _replace(pp, "HanvisningsPersonNr", PERSONPOST_ORDER, number)
    referrals = etree.Element("Hanvisningar")
    referral = etree.SubElement(referrals, "Hanvisning", status="NY")
    etree.SubElement(referral, "HanvisningsPersonNr").text = other
    _replace(pp, "Hanvisningar", PERSONPOST_ORDER, referrals)


def renumbered_copy(post: etree._Element, new: str, birth: int) -> etree._Element:
    """The post of the same person under the new number, without deregistration."""
    copy = deepcopy(post)
    pp = personpost(copy)
    identity = pp.find("PersonId/*")
    if identity is not None:
        identity.text = new
    for tag in ("Avregistrering", "Fodelsedatum"):
        for old in pp.findall(tag):
            pp.remove(old)
    born = etree.Element("Fodelsedatum")
    born.text = str(birth)
    posts.place(pp, born, PERSONPOST_ORDER)
    return copy


def reduce(post: etree._Element) -> None:
    """Keep only what a sekretessmarkerad person's post carries."""
    pp = personpost(post)
    for element in list(pp):
        if element.tag not in REDUCED_KEEP:
            pp.remove(element)
    registration = pp.find("Folkbokforing")
    if registration is not None:
        for element in list(registration):
            if element.tag not in {"Folkbokforingsdatum", "LanKod", "KommunKod"}:
                registration.remove(element)
    for history in post.findall("Historik"):
        post.remove(history)


def restore_address(post: etree._Element, home: Dwelling) -> None:
    """Give a formerly protected person a real address again."""
    pp = personpost(post)
    registration = pp.find("Folkbokforing")
    since = (
        registration.findtext("Folkbokforingsdatum")
        if registration is not None
        else None
    )
    if since and since.isdigit():
        home.since = int(since)
    addresses = pp.find("Adresser")
    if addresses is not None:
        pp.remove(addresses)
    _replace(pp, "Folkbokforing", PERSONPOST_ORDER, _registration(home))
    holder = etree.Element("Adresser")
    posts.dwelling_addresses(holder, home)
    posts.place(pp, holder, PERSONPOST_ORDER)


def _to_history(post: etree._Element) -> None:
    # The current registration joins Historik (type FB); the current address
    # becomes the history's one earlier address.
    pp = personpost(post)
    registration = pp.find("Folkbokforing")
    if registration is None:
        return
    history = _child(post, "Historik", POST_ORDER)
    entry = deepcopy(registration)
    if entry.find("Folkbokforingstyp") is None:
        etree.SubElement(entry, "Folkbokforingstyp").text = "FB"
    earlier_address = history.find("Folkbokforingsadress")
    if earlier_address is not None:
        earlier_address.addprevious(entry)
    else:
        history.append(entry)

    address = pp.find("Adresser/Folkbokforingsadress")
    if address is not None:
        if earlier_address is not None:
            history.remove(earlier_address)
        history.append(deepcopy(address))


def _relations_to(post: etree._Element, other: str) -> list[etree._Element]:
    return [
        relation
        for relation in personpost(post).findall("Relationer/Relation")
        if (relation.findtext("RelationId/PersonNr") or "").strip() == other
    ]


def _child(parent: etree._Element, tag: str, order: tuple[str, ...]) -> etree._Element:
    found = parent.find(tag)
    if found is None:
        found = etree.Element(tag)
        posts.place(parent, found, order)
    return found


def _replace(
    parent: etree._Element, tag: str, order: tuple[str, ...], new: etree._Element
) -> None:
    for old in parent.findall(tag):
        parent.remove(old)
    posts.place(parent, new, order)


def _registration(home: Dwelling) -> etree._Element:
    holder = etree.Element("Personpost")
    element = posts.folkbokforing(holder, home)
    holder.remove(element)
    return element
