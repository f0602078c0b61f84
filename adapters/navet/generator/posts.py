"""Turn a :class:`~.model.Person` into a ``Folkbokforingspost`` element.

Elements are emitted in the order the 2023 ``Navetavisering.xsd`` fixes; the
tuples :data:`POST_ORDER` and :data:`PERSONPOST_ORDER` state that order once,
and :func:`place` uses them to put an element into an existing post (for
change notices). Empty values are left out, except the protection flags of a
share of posts, which are written as ``xsi:nil`` as real deliveries do.
"""

from __future__ import annotations

from lxml import etree

from adapters.navet.generator.model import (
    Abroad,
    Address,
    Dwelling,
    Person,
    Relation,
)
from adapters.navet.generator.names import Name

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSI_NIL = f"{{{XSI}}}nil"

POST_ORDER = (
    "Sekretessmarkering",
    "SkyddadFolkbokforing",
    "Arendeuppgift",
    "Personpost",
    "Historik",
    "Sarlosning",
)
PERSONPOST_ORDER = (
    "PersonId",
    "HanvisningsPersonNr",
    "Hanvisningar",
    "Avregistrering",
    "Fodelsedatum",
    "Namn",
    "Folkbokforing",
    "Adresser",
    "Civilstand",
    "Fodelse",
    "Invandring",
    "Relationer",
    "Medborgarskap",
    "Samordningsnummeruppgifter",
)
ADRESSER_ORDER = (
    "Folkbokforingsadress",
    "Riksnycklar",
    "UUID",
    "Distrikt",
    "SarskildPostadress",
    "Utlandsadress",
)

_sub = etree.SubElement


def build(person: Person) -> etree._Element:
    """The ``Folkbokforingspost`` of ``person``, valid against the 2023 XSD."""
    # Only a post with nil flags needs the xsi prefix declared.
    post = etree.Element(
        "Folkbokforingspost", nsmap={"xsi": XSI} if person.flags_nil else None
    )
    _flag(post, "Sekretessmarkering", person.sekretess, person.flags_nil)
    _flag(post, "SkyddadFolkbokforing", person.skyddad, person.flags_nil)
    _sub(post, "Arendeuppgift", andringstidpunkt=str(person.changed_at))

    personpost = _sub(post, "Personpost")
    _identity(personpost, person)
    if person.deregistration is not None:
        deregistration = _sub(personpost, "Avregistrering")
        _text(deregistration, "AvregistreringsorsakKod", person.deregistration.code)
        _text(deregistration, "Avregistreringsdatum", person.deregistration.date)
        _text(deregistration, "AntraffadDod", person.deregistration.found_dead)
    _text(personpost, "Fodelsedatum", person.birth)
    name(personpost, person.name)
    if person.dwelling is not None:
        folkbokforing(personpost, person.dwelling, reduced=person.reduced)
    _addresses(personpost, person)
    if person.reduced:
        return post

    _details(personpost, person)
    if person.history:
        history(post, person.history)
    return post


def name(parent: etree._Element, value: Name, tag: str = "Namn") -> etree._Element:
    """Append a ``Namn`` (NamnTYPE) with the Aviseringsnamn when one is needed."""
    element = _sub(parent, tag)
    _text(element, "Tilltalsnamnsmarkering", value.marking)
    _text(element, "Fornamn", value.given)
    _text(element, "Mellannamn", value.middle)
    _text(element, "Efternamn", value.surname)
    _text(element, "Aviseringsnamn", value.aviseringsnamn)
    return element


def folkbokforing(
    parent: etree._Element,
    dwelling: Dwelling,
    reduced: bool = False,
    kind: str | None = None,
) -> etree._Element:
    """Append a ``Folkbokforing`` (FolkbokforingTYPE) for ``dwelling``."""
    element = _sub(parent, "Folkbokforing")
    _text(element, "Folkbokforingsdatum", dwelling.since)
    _text(element, "LanKod", dwelling.kommun.lan)
    _text(element, "KommunKod", dwelling.kommun.short)
    if not reduced:
        _text(element, "Fastighetsbeteckning", dwelling.fastighet)
        _text(element, "Lagenhet", dwelling.lagenhet)
    _text(element, "Folkbokforingstyp", kind)
    return element


def swedish_address(parent: etree._Element, tag: str, value: Address) -> None:
    """Append a SvenskAdressTYPE element named ``tag``."""
    element = _sub(parent, tag)
    _text(element, "CareOf", value.care_of)
    _text(element, "Utdelningsadress1", value.line1)
    _text(element, "Utdelningsadress2", value.street)
    _text(element, "PostNr", value.postnr)
    _text(element, "Postort", value.postort)


def dwelling_addresses(parent: etree._Element, dwelling: Dwelling) -> None:
    """Append the address, national keys, UUIDs and district of ``dwelling``."""
    swedish_address(parent, "Folkbokforingsadress", dwelling.address)
    if dwelling.riksnycklar is not None:
        keys = _sub(parent, "Riksnycklar")
        fastighet, adressplats, lagenhet = dwelling.riksnycklar
        _text(keys, "FastighetsId", fastighet)
        _text(keys, "AdressplatsId", adressplats)
        _text(keys, "LagenhetsId", lagenhet)
    if dwelling.uuids is not None:
        uuids = _sub(parent, "UUID")
        for tag, value in zip(
            ("Fastighet", "Adress", "Lagenhet"), dwelling.uuids, strict=True
        ):
            _text(uuids, tag, value)
    if dwelling.distrikt is not None:
        _text(_sub(parent, "Distrikt"), "Distriktskod", dwelling.distrikt)


def abroad_address(parent: etree._Element, value: Abroad) -> None:
    """Append an ``Utlandsadress``."""
    element = _sub(parent, "Utlandsadress")
    for number, line in enumerate(value.lines, start=1):
        _text(element, f"Utdelningsadress{number}", line)
    _text(element, "Land", value.land)
    _text(element, "Utlandsadressdatum", value.since)


def relation(parent: etree._Element, value: Relation) -> etree._Element:
    """Append one ``Relation`` to a ``Relationer`` element."""
    element = _sub(parent, "Relation")
    if value.status:
        element.set("status", value.status)
    relation_id = _sub(element, "RelationId")
    if value.person_id is not None:
        _text(relation_id, "PersonNr", value.person_id)
    else:
        _text(relation_id, "FodelsetidNr", value.fodelsetid)
    _text(element, "Relationstyp", value.kind)
    _text(element, "RelationFromdatum", value.since)
    if value.name is not None:
        name(element, value.name)
    if value.deceased is not None:
        deregistration = _sub(element, "Avregistrering")
        _text(deregistration, "AvregistreringsorsakKod", "AV")
        _text(deregistration, "Avregistreringsdatum", value.deceased)
    return element


def history(post: etree._Element, earlier: list[Dwelling]) -> None:
    """Append ``Historik``: earlier registrations and the last earlier address."""
    element = _sub(post, "Historik")
    for dwelling in earlier:
        folkbokforing(element, dwelling, kind="FB")
    swedish_address(element, "Folkbokforingsadress", earlier[-1].address)


def place(
    parent: etree._Element, child: etree._Element, order: tuple[str, ...]
) -> None:
    """Insert ``child`` into ``parent`` where ``order`` (schema order) puts it."""
    rank = order.index(child.tag)
    for index, sibling in enumerate(parent):
        if sibling.tag in order and order.index(sibling.tag) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def _identity(personpost: etree._Element, person: Person) -> None:
    person_id = _sub(personpost, "PersonId")
    tag = "TilldelatPersonNrSamordningsNr" if person.samordning else "PersonNr"
    _text(person_id, tag, person.person_id)
    if person.identity is not None:
        state = person.identity
        status = _sub(person_id, "Identitetsstatus")
        _text(status, "IdentitetsstatusVarde", state.status)
        _text(status, "IdentitetsstatusDatum", state.status_date)
        _text(status, "IdentitetsstatusOrsak", state.reason)
        _text(person_id, "Identitetsniva", state.level)
        _text(person_id, "Identitetsnivadatum", state.level_date)

    if person.referral is not None:
        _text(personpost, "HanvisningsPersonNr", person.referral)
        referrals = _sub(personpost, "Hanvisningar")
        _text(_sub(referrals, "Hanvisning"), "HanvisningsPersonNr", person.referral)


def _addresses(personpost: etree._Element, person: Person) -> None:
    shown_dwelling = person.dwelling if not person.reduced else None
    if shown_dwelling is None and person.postal is None and person.abroad is None:
        return
    addresses = _sub(personpost, "Adresser")
    if shown_dwelling is not None:
        dwelling_addresses(addresses, shown_dwelling)
    if person.postal is not None:
        swedish_address(addresses, "SarskildPostadress", person.postal)
    if person.abroad is not None and not person.reduced:
        abroad_address(addresses, person.abroad)


def _details(personpost: etree._Element, person: Person) -> None:
    if person.civil is not None:
        civil = _sub(personpost, "Civilstand")
        code, since = person.civil
        _text(civil, "CivilstandKod", code)
        _text(civil, "Civilstandsdatum", since)
    if person.born_in is not None or person.born_abroad is not None:
        birth = _sub(personpost, "Fodelse")
        if person.born_in is not None:
            home = _sub(birth, "HemortSverige")
            _text(home, "FodelselanKod", person.born_in[0])
            _text(home, "Fodelseforsamling", person.born_in[1])
        if person.born_abroad is not None:
            place_abroad = _sub(birth, "OrtUtlandet")
            _text(place_abroad, "FodelseortUtland", person.born_abroad[0])
            _text(place_abroad, "Fodelseland", person.born_abroad[1])
    if person.immigrated is not None:
        _text(_sub(personpost, "Invandring"), "Invandringsdatum", person.immigrated)
    if person.relations:
        relations = _sub(personpost, "Relationer")
        for value in person.relations:
            relation(relations, value)
    for country, since in person.citizenships:
        citizenship = _sub(personpost, "Medborgarskap")
        _text(citizenship, "MedborgarskapslandKod", country)
        _text(citizenship, "Medborgarskapsdatum", since)
    if person.samordning_info is not None:
        info = person.samordning_info
        element = _sub(personpost, "Samordningsnummeruppgifter")
        _text(element, "Tilldelningsdatum", info.assigned)
        _text(element, "PreliminartVilandeforklaringsdatum", info.dormant_from)
        _text(element, "Fornyelsedatum", info.renewed)
        _text(element, "DatumAvliden", info.died)


def _flag(post: etree._Element, tag: str, value: bool, nil: bool) -> None:
    if nil and not value:
        _sub(post, tag).set(XSI_NIL, "true")
    else:
        _sub(post, tag).text = "J" if value else "N"


def _text(parent: etree._Element, tag: str, value: str | int | None) -> None:
    if value is not None:
        _sub(parent, tag).text = str(value)
