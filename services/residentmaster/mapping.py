"""The one mapping from a stored Navet post to a population:residentmaster resident.

Input is the ``Folkbokforingspost`` exactly as Navet delivered it (no
namespace); output is a ``resident`` element (``core:ResidentType``) appended
to the response, every child in its XSD sequence position and the 1.1
additions in ``urn:riv:population:residentmaster:1.1``. Nil, empty and absent
Navet elements are treated alike: left out.

Decisions where Navet and the contract differ:

- ``PostNr``: Navet's five digits become the six-character ``NNN NN`` the XSD
  requires (DESIGN.md); anything else is left out.
- ``Fodelsetid`` (a full date): Navet's ``Fodelsedatum`` when it is a full date;
  when the post has an incomplete ``Fodelsedatum`` the birth date is unknown and
  left out; when the post has none (older posts), the date part of the
  personnummer (day minus 60 for a samordningsnummer).
- ``SenasteAndringFolkbokforing``: ``Folkbokforing/Folkbokforingsdatum`` when it
  is a full date. Incomplete dates elsewhere (``OfullstandigtDatum``, 4-8
  characters) are passed as they are; ``0`` (unknown) is left out.
- ``Kon``: from the sex digit of the identity number (Navet has no such field).
- ``SvenskAdress`` of the folkbokföring address gets ``LanKod``, ``KommunKod``,
  ``ForsamlingKod``, ``Fastighetsbeteckning`` and ``{1.1}Folkbokforingsdatum``
  from ``Folkbokforing``; ``Distriktskod`` exists only in 1.2 and is left out,
  as is ``SCB_Nyckelkod`` (not in Navet).
- ``Fodelseforsamling`` is a name of up to 30 characters in Navet but a
  two-character code in the contract: a longer value is left out.
- A value longer than the contract allows (only possible in a malformed post)
  is left out rather than cut, so that the answer stays schema-valid and never
  shows a changed value.
- ``HanvisningsPersonNr``: Navet's element, else the newest referral in
  ``Hanvisningar`` (status ``NY`` preferred).
- ``Relationer`` is always present (mandatory in 1.1), empty when Navet has none;
  a relation's ``status`` attribute becomes the ``Status`` element.

A masked resident (:func:`add_masked`) is ``Sekretessmarkering=J``,
``Personpost/PersonId`` and an empty ``Relationer``, nothing else. A full
resident names no protected person the consumer may see only masked: the
caller passes their numbers as ``hidden`` (:mod:`regionnav.protection`).
"""

from __future__ import annotations

from datetime import date

from lxml import etree

from adapters.navet.facts import MAX_POST_BYTES, value_of
from regionnav import xmlsafe
from regionnav.errors import StoreError, UnsafeXmlError
from regionnav.records import StoredPerson
from services.residentmaster.codes import (
    RELATION_STATUSES,
    RELATION_TYPES,
    civilstand_code,
    complete_code,
    id_kind_of,
    reduced_code,
    sex_of,
)

RESPONDER = "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
CORE = "urn:riv:population:residentmaster:1"
EXT = "urn:riv:population:residentmaster:1.1"
NSMAP = {"lr": RESPONDER, "rm": CORE, "rm11": EXT}

_C = f"{{{CORE}}}"
_X = f"{{{EXT}}}"
_NAME_FIELDS = (
    ("Fornamn", 80),
    ("Mellannamn", 40),
    ("Efternamn", 60),
    ("Aviseringsnamn", 36),
)
_ADDRESS_FIELDS = (("CareOf", 35), ("Utdelningsadress1", 35), ("Utdelningsadress2", 35))
_FOLKBOKFORING_CODES = (
    ("LanKod", 2),
    ("KommunKod", 2),
    ("ForsamlingKod", 2),
    ("Fastighetsbeteckning", 40),
)


def response() -> etree._Element:
    """An empty ``LookupResidentForFullProfileResponse`` to add residents to."""
    return etree.Element(
        f"{{{RESPONDER}}}LookupResidentForFullProfileResponse", nsmap=NSMAP
    )


def parse_post(person: StoredPerson) -> etree._Element:
    """The stored ``Folkbokforingspost`` as an element (hardened parser)."""
    try:
        return xmlsafe.fromstring(person.post_xml, MAX_POST_BYTES)
    except UnsafeXmlError as exc:
        # The store's data, not the caller's request: a server fault.
        raise StoreError("a stored post cannot be read") from exc


def folkbokforingsdatum(post: etree._Element) -> str | None:
    """The post's ``Folkbokforing/Folkbokforingsdatum`` as delivered, or None."""
    element = post.find("Personpost/Folkbokforing/Folkbokforingsdatum")
    return value_of(element) if element is not None else None


def add_masked(parent: etree._Element, person_id: str) -> etree._Element:
    """Append the minimal resident of a protected person."""
    resident = etree.SubElement(parent, f"{{{RESPONDER}}}resident")
    etree.SubElement(resident, _C + "Sekretessmarkering").text = "J"
    personpost = etree.SubElement(resident, _C + "Personpost")
    etree.SubElement(personpost, _C + "PersonId").text = person_id
    etree.SubElement(personpost, _X + "Relationer")
    return resident


def add_resident(
    parent: etree._Element,
    person: StoredPerson,
    post: etree._Element,
    hidden: frozenset[str] = frozenset(),
) -> etree._Element:
    """Append the full resident for ``person`` mapped from its ``post``.

    ``hidden`` are numbers the resident must not name (protected persons the
    consumer may see only masked, see :mod:`regionnav.protection`): a relation
    to one is left out whole, a ``HanvisningsPersonNr`` naming one too.
    """
    resident = etree.SubElement(parent, f"{{{RESPONDER}}}resident")
    etree.SubElement(resident, _C + "Sekretessmarkering").text = (
        "J" if person.protected else "N"
    )
    source = post.find("Personpost")
    if source is None:
        source = etree.Element("Personpost")
    blocks = _children(source)
    folkbokforing = _values(blocks.get("Folkbokforing"))
    registered = folkbokforing.get("Folkbokforingsdatum")
    _add(resident, _C + "SenasteAndringFolkbokforing", _full_date(registered))

    personpost = etree.SubElement(resident, _C + "Personpost")
    etree.SubElement(personpost, _C + "PersonId").text = person.person_id
    _add(personpost, _C + "Kon", sex_of(person.person_id))
    _add(personpost, _C + "Fodelsetid", _birth_date(blocks, person))
    _add_avregistrering(personpost, blocks.get("Avregistrering"), person.id_kind)
    _add_namn(personpost, blocks.get("Namn"))

    addresses = _children(blocks.get("Adresser"))
    _add_swedish_address(
        personpost,
        "Folkbokforingsadress",
        addresses.get("Folkbokforingsadress"),
        folkbokforing,
    )
    _add_swedish_address(
        personpost, "SarskildPostadress", addresses.get("SarskildPostadress"), {}
    )
    referral = _referral(source)
    _add(personpost, _X + "HanvisningsPersonNr", _unless(referral, hidden))
    _add_utlandsadress(personpost, addresses.get("Utlandsadress"))
    _add_civilstand(personpost, blocks.get("Civilstand"))
    _add_fodelse(personpost, blocks.get("Fodelse"))
    _add_invandring(personpost, blocks.get("Invandring"))
    _add_relationer(personpost, blocks.get("Relationer"), hidden)
    return resident


# -- blocks, in the order of PersonpostTYPE ------------------------------------


def _add_avregistrering(
    parent: etree._Element, source: etree._Element | None, id_kind: str
) -> None:
    values = _values(source)
    code = values.get("AvregistreringsorsakKod")
    when = _incomplete_date(values.get("Avregistreringsdatum"))
    if code is None and when is None:
        return
    block = etree.SubElement(parent, _C + "Avregistrering")
    _add(
        block,
        _C + "AvregistreringsorsakKod",
        reduced_code(code, id_kind) if code else None,
    )
    _add(block, _C + "Avregistreringsdatum", when)
    _add(
        block,
        _X + "AvregistreringsorsakKodKomplett",
        complete_code(code, id_kind) if code else None,
    )


def _add_namn(parent: etree._Element, source: etree._Element | None) -> None:
    if source is None:
        return
    names = _values(source)
    marking = names.get("Tilltalsnamnsmarkering")
    if marking is not None and not (marking.isdigit() and 10 <= int(marking) <= 99):
        marking = None
    values = [(name, _limited(names.get(name), limit)) for name, limit in _NAME_FIELDS]
    if marking is None and all(value is None for _, value in values):
        return
    block = etree.SubElement(parent, _C + "Namn")
    _add(block, _C + "Tilltalsnamnsmarkering", marking)
    for name, value in values:
        _add(block, _C + name, value)


def _add_swedish_address(
    parent: etree._Element,
    tag: str,
    address: etree._Element | None,
    folkbokforing: dict[str, str | None],
) -> None:
    """``folkbokforing``: the values of the ``Folkbokforing`` block, or none."""
    values: list[tuple[str, str | None]] = []
    for name, limit in _FOLKBOKFORING_CODES:
        value = folkbokforing.get(name)
        if name == "KommunKod" and value is not None and len(value) == 4:
            value = value[2:]
        values.append((_C + name, _limited(value, limit)))
    lines = _values(address)
    for name, limit in _ADDRESS_FIELDS:
        values.append((_C + name, _limited(lines.get(name), limit)))
    values.append((_C + "PostNr", _postnr(lines.get("PostNr"))))
    values.append((_C + "Postort", _limited(lines.get("Postort"), 27)))
    registered = _incomplete_date(folkbokforing.get("Folkbokforingsdatum"))
    values.append((_X + "Folkbokforingsdatum", registered))
    if all(value is None for _, value in values):
        return
    block = etree.SubElement(parent, _C + tag)
    for name, value in values:
        _add(block, name, value)


def _add_utlandsadress(parent: etree._Element, source: etree._Element | None) -> None:
    if source is None:
        return
    lines = _values(source)
    values = [
        (name, _limited(lines.get(name), 35))
        for name in (
            "Utdelningsadress1",
            "Utdelningsadress2",
            "Utdelningsadress3",
            "Land",
        )
    ] + [
        (name, _incomplete_date(lines.get(name)))
        for name in ("Utlandsadressdatum", "Rostrattsdatum")
    ]
    _add_block(parent, _X + "Utlandsadress", values)


def _add_civilstand(parent: etree._Element, source: etree._Element | None) -> None:
    civilstand = _values(source)
    code = civilstand.get("CivilstandKod")
    values = [
        ("CivilstandKod", civilstand_code(code) if code else None),
        ("Civilstandsdatum", _incomplete_date(civilstand.get("Civilstandsdatum"))),
    ]
    _add_block(parent, _X + "Civilstand", values)


def _add_fodelse(parent: etree._Element, source: etree._Element | None) -> None:
    if source is None:
        return
    parts = _children(source)
    home = _values(parts.get("HemortSverige"))
    abroad = _values(parts.get("OrtUtlandet"))
    home_values = [
        ("FodelselanKod", _limited(home.get("FodelselanKod"), 2)),
        ("Fodelseforsamling", _limited(home.get("Fodelseforsamling"), 2)),
    ]
    abroad_values = [
        ("FodelseortUtland", _limited(abroad.get("FodelseortUtland"), 80)),
        ("Fodelseland", _limited(abroad.get("Fodelseland"), 40)),
    ]
    if all(value is None for _, value in home_values + abroad_values):
        return
    block = etree.SubElement(parent, _X + "Fodelse")
    _add_block(block, _C + "HemortSverige", home_values)
    _add_block(block, _C + "OrtUtlandet", abroad_values)


def _add_invandring(parent: etree._Element, source: etree._Element | None) -> None:
    when = _incomplete_date(_text(source, "Invandringsdatum"))
    _add_block(parent, _X + "Invandring", [("Invandringsdatum", when)])


def _add_relationer(
    parent: etree._Element, source: etree._Element | None, hidden: frozenset[str]
) -> None:
    block = etree.SubElement(parent, _X + "Relationer")
    for relation in source.iterfind("Relation") if source is not None else ():
        parts = _children(relation)
        identity = _values(parts.get("RelationId"))
        if identity.get("PersonNr") not in hidden:
            _add_relation(block, relation, parts, identity)


def _add_relation(
    parent: etree._Element,
    source: etree._Element,
    parts: dict[str, etree._Element],
    identity: dict[str, str | None],
) -> None:
    """``parts``: the relation's children; ``identity``: its RelationId values."""
    kind = _value(parts.get("Relationstyp"))
    number = identity.get("PersonNr")
    birth = identity.get("FodelsetidNr")
    if kind not in RELATION_TYPES or (number is None and birth is None):
        return
    relation = etree.SubElement(parent, _C + "Relation")
    relation_id = etree.SubElement(relation, _C + "RelationId")
    _add(relation_id, _C + "PersonNr", number)
    _add(relation_id, _C + "FodelsetidNr", birth if number is None else None)
    etree.SubElement(relation, _C + "Relationstyp").text = kind
    _add(
        relation,
        _C + "RelationFromdatum",
        _incomplete_date(_value(parts.get("RelationFromdatum"))),
    )
    _add(
        relation,
        _C + "RelationTomdatum",
        _incomplete_date(_value(parts.get("RelationTomdatum"))),
    )
    _add_namn(relation, parts.get("Namn"))
    _add_avregistrering(relation, parts.get("Avregistrering"), id_kind_of(number or ""))
    status = source.get("status")
    _add(relation, _C + "Status", status if status in RELATION_STATUSES else None)


# -- values ---------------------------------------------------------------------


def _unless(value: str | None, hidden: frozenset[str]) -> str | None:
    return None if value in hidden else value


def _referral(personpost: etree._Element) -> str | None:
    direct = _text(personpost, "HanvisningsPersonNr")
    if direct is not None:
        return direct
    referrals = personpost.findall("Hanvisningar/Hanvisning")
    preferred = [r for r in referrals if r.get("status") == "NY"] or referrals
    for referral in reversed(preferred):
        number = _text(referral, "HanvisningsPersonNr")
        if number is not None:
            return number
    return None


def _birth_date(
    personpost: dict[str, etree._Element], person: StoredPerson
) -> str | None:
    delivered = _value(personpost.get("Fodelsedatum"))
    if delivered is not None:
        return _full_date(delivered)
    number = person.person_id
    if len(number) != 12 or not number.isdigit():
        return None
    day = int(number[6:8])
    if person.id_kind == "SNR" and day > 60:
        day -= 60
    return _full_date(f"{number[:6]}{day:02d}")


def _full_date(value: str | None) -> str | None:
    if value is None or len(value) != 8 or not value.isdigit():
        return None
    try:
        date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None
    return value if value[0] != "0" else None


def _incomplete_date(value: str | None) -> str | None:
    return value if value is not None and 4 <= len(value) <= 8 else None


def _postnr(value: str | None) -> str | None:
    digits = value.replace(" ", "") if value is not None else ""
    if len(digits) != 5 or not digits.isdigit():
        return None
    return f"{digits[:3]} {digits[3:]}"


def _limited(value: str | None, limit: int) -> str | None:
    return value if value is not None and len(value) <= limit else None


def _text(parent: etree._Element | None, name: str) -> str | None:
    if parent is None:
        return None
    element = parent.find(name)
    return value_of(element) if element is not None else None


def _value(element: etree._Element | None) -> str | None:
    return value_of(element) if element is not None else None


# A post is read field by field; one pass over a block's children is much
# cheaper than a find() per field (the mapping ran ~50 of them per person).
# The first child of a name counts, as with find().


def _children(parent: etree._Element | None) -> dict[str, etree._Element]:
    """Each child element of ``parent`` by tag, the first of a tag."""
    children: dict[str, etree._Element] = {}
    if parent is not None:
        for child in parent:
            tag = child.tag
            if isinstance(tag, str) and tag not in children:
                children[tag] = child
    return children


def _values(parent: etree._Element | None) -> dict[str, str | None]:
    """Each child's value (:func:`value_of`) by tag, the first of a tag."""
    values: dict[str, str | None] = {}
    if parent is not None:
        for child in parent:
            tag = child.tag
            if isinstance(tag, str) and tag not in values:
                values[tag] = value_of(child)
    return values


def _add(parent: etree._Element, tag: str, value: str | None) -> None:
    if value is not None:
        etree.SubElement(parent, tag).text = value


def _add_block(
    parent: etree._Element, tag: str, values: list[tuple[str, str | None]]
) -> None:
    """Add ``tag`` with its core-namespace children, unless all are empty."""
    if all(value is None for _, value in values):
        return
    block = etree.SubElement(parent, tag)
    for name, value in values:
        _add(block, _C + name, value)
