"""The facts the mirror keys and filters on, read from one Folkbokforingspost.

The mirror stores every post whole, as Navet delivered it; only a handful of
values are lifted out of it: the identity, when it changed, the protection
flags, deregistration, number-change referrals and the kommun of residence.
:func:`facts_of` reads them and refuses a post whose identity or flags the
mirror could not rely on. Everything else in the post is left to the contract
mappings and is deliberately not checked here, so that the known variants of
the format (nil and empty elements, unknown children under ``PersonId``,
legacy one-letter codes, incomplete dates) pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from regionnav import xmlsafe
from regionnav.errors import PostContentError, UnsafeXmlError

ID_TAGS = frozenset({"PersonNr", "TilldelatPersonNrSamordningsNr"})
KNOWN_PERSON_ID_CHILDREN = ID_TAGS | {
    "Identitetsstatus",
    "Identitetsniva",
    "Identitetsnivadatum",
}

# A post is a few kilobytes. The mirror takes none larger (both readers refuse
# it) and so serves none larger: every reader of a stored post uses this cap.
MAX_POST_BYTES = 1_000_000


class PostFacts(NamedTuple):
    """What the mirror needs to know about one post; see :func:`facts_of`.

    A named tuple: an import makes one for every post, and a tuple is made
    several times faster than a frozen dataclass.
    """

    person_id: str
    id_kind: str
    changed_at: int | None
    sekretessmarkering: bool
    skyddad_folkbokforing: bool
    avregistreringskod: str | None
    avregistreringsdatum: str | None
    hanvisningar: tuple[str, ...]
    lan_kod: str | None
    kommun_kod: str | None
    folkbokforingsdatum: str | None

    @property
    def protected(self) -> bool:
        """Either protection flag is set."""
        return self.sekretessmarkering or self.skyddad_folkbokforing


@dataclass(slots=True)
class _Draft:
    """Values collected while walking a post, before they are checked whole."""

    person_id: str | None = None
    id_kind: str = "PNR"
    avregistreringskod: str | None = None
    avregistreringsdatum: str | None = None
    lan_kod: str | None = None
    kommun_kod: str | None = None
    folkbokforingsdatum: str | None = None


def facts_of(post: bytes | etree._Element) -> PostFacts:
    """Read the mirror's facts from a ``Folkbokforingspost``.

    ``post`` is the element itself or its serialised bytes (parsed with the
    hardened parser of :mod:`regionnav.xmlsafe`).

    Raises :class:`~regionnav.errors.PostContentError` naming the element when
    the post has no single 12-digit identity, a protection flag other than
    ``J``/``N``/empty/nil, a change time that is not 14 digits, a date that
    is not 0-99999999, a deregistration or län code longer than 2 characters
    or a kommun code longer than 4, and when bytes are not safe, well-formed XML.
    """
    element = _parse(post) if isinstance(post, bytes) else post
    if element.tag != "Folkbokforingspost":
        raise PostContentError(str(element.tag), "is not a Folkbokforingspost")

    # The schema fixes the order of every sequence, and all that is read here
    # comes early in it: each walk stops at its last interesting child, which
    # spares the reader most of each post (it runs for millions of posts).
    # Known gap: in a post that breaks the schema order (none seen from Navet),
    # an Avregistrering or HanvisningsPersonNr placed after Folkbokforing, or a
    # flag after Personpost, is not read and its fact comes out as absent.
    sekretess = skyddad = False
    changed_at: int | None = None
    personpost: etree._Element | None = None
    for child in element:
        tag = child.tag
        if tag == "Sekretessmarkering":
            sekretess = _flag(child)
        elif tag == "SkyddadFolkbokforing":
            skyddad = _flag(child)
        elif tag == "Arendeuppgift":
            changed_at = _changed_at(child)
        elif tag == "Personpost":
            personpost = child
            break
    if personpost is None:
        raise PostContentError("Personpost", "is missing")

    draft = _Draft()
    hanvisningar: list[str] = []
    _read_personpost(personpost, draft, hanvisningar)
    if draft.person_id is None:
        raise PostContentError("PersonId", "is missing")
    return PostFacts(
        person_id=draft.person_id,
        id_kind=draft.id_kind,
        changed_at=changed_at,
        sekretessmarkering=sekretess,
        skyddad_folkbokforing=skyddad,
        avregistreringskod=draft.avregistreringskod,
        avregistreringsdatum=draft.avregistreringsdatum,
        hanvisningar=tuple(dict.fromkeys(hanvisningar)),
        lan_kod=draft.lan_kod,
        kommun_kod=draft.kommun_kod,
        folkbokforingsdatum=draft.folkbokforingsdatum,
    )


def value_of(element: etree._Element) -> str | None:
    """The element's text, stripped; ``None`` when nil, empty or blank.

    An ``xsi:nil`` element has no content by XML Schema's rules, so its text
    is ``None`` like an empty element's; the attribute itself is not read.
    """
    text = element.text
    if text is None:
        return None
    return text.strip() or None


def _parse(data: bytes) -> etree._Element:
    try:
        return xmlsafe.fromstring(data, max_bytes=MAX_POST_BYTES)
    except UnsafeXmlError as exc:
        raise PostContentError("Folkbokforingspost", str(exc)) from exc


def _read_personpost(
    personpost: etree._Element, draft: _Draft, hanvisningar: list[str]
) -> None:
    # One pass over the children in document order; each block is optional.
    for child in personpost:
        tag = child.tag
        if tag == "PersonId":
            _read_person_id(child, draft, hanvisningar)
        elif tag == "HanvisningsPersonNr":
            _add_referral(child, hanvisningar)
        elif tag == "Hanvisningar":
            for number in child.iterfind("Hanvisning/HanvisningsPersonNr"):
                _add_referral(number, hanvisningar)
        elif tag == "Avregistrering":
            _read_avregistrering(child, draft)
        elif tag == "Folkbokforing":
            _read_folkbokforing(child, draft)
            break


def _read_person_id(
    person_id: etree._Element, draft: _Draft, hanvisningar: list[str]
) -> None:
    if draft.person_id is not None:
        raise PostContentError("PersonId", "occurs more than once")
    ids: list[etree._Element] = []
    for child in person_id:
        if child.tag in ID_TAGS:
            ids.append(child)
        elif isinstance(child.tag, str) and child.tag not in KNOWN_PERSON_ID_CHILDREN:
            _add_unknown_referrals(child, hanvisningar)
    if len(ids) != 1:
        raise PostContentError(
            "PersonId", f"holds {len(ids)} identity numbers, expected exactly one"
        )
    number_element = ids[0]
    tag = str(number_element.tag)
    number = value_of(number_element)
    if number is None:
        raise PostContentError(tag, "is empty or nil")
    if not _is_person_number(number):
        raise PostContentError(tag, "is not a 12-digit number")
    draft.person_id = number
    # A samordningsnummer carries the day of birth plus 60.
    samordning = tag == "TilldelatPersonNrSamordningsNr" or 61 <= int(number[6:8]) <= 91
    draft.id_kind = "SNR" if samordning else "PNR"


def _add_unknown_referrals(child: etree._Element, hanvisningar: list[str]) -> None:
    # The 2026 test service puts Hanvisning and TidigareIdentitetsbeteckningar
    # inside PersonId; any 12-digit number found there is a referral.
    for node in child.iter():
        text = value_of(node) if isinstance(node.tag, str) else None
        if text is not None and _is_person_number(text):
            hanvisningar.append(text)


def _add_referral(element: etree._Element, hanvisningar: list[str]) -> None:
    number = value_of(element)
    if number is None:
        return
    if not _is_person_number(number):
        raise PostContentError(str(element.tag), "is not a 12-digit number")
    hanvisningar.append(number)


def _read_avregistrering(avregistrering: etree._Element, draft: _Draft) -> None:
    for child in avregistrering:
        if child.tag == "AvregistreringsorsakKod":
            draft.avregistreringskod = _code(child, 2)
        elif child.tag == "Avregistreringsdatum":
            draft.avregistreringsdatum = _date(child)


def _read_folkbokforing(folkbokforing: etree._Element, draft: _Draft) -> None:
    kommun: str | None = None
    for child in folkbokforing:
        if child.tag == "Folkbokforingsdatum":
            draft.folkbokforingsdatum = _date(child)
        elif child.tag == "LanKod":
            draft.lan_kod = _code(child, 2)
        elif child.tag == "KommunKod":
            kommun = _code(child, 4)
            if kommun is not None and len(kommun) == 3:
                raise PostContentError(
                    "KommunKod",
                    "has 3 characters; a kommun code has 2 (4 with the län)",
                )
            break

    # Navet sends the kommun as its last two digits; the full code is län+kommun.
    # A four-character KommunKod (not seen, but cheap to honour) is taken whole.
    if kommun is not None and len(kommun) == 4:
        draft.kommun_kod = kommun
    elif kommun is not None and draft.lan_kod is not None:
        draft.kommun_kod = draft.lan_kod + kommun


def _flag(element: etree._Element) -> bool:
    value = value_of(element)
    if value is None or value == "N":
        return False
    if value == "J":
        return True
    raise PostContentError(str(element.tag), "is neither J, N, empty nor nil")


def _changed_at(arendeuppgift: etree._Element) -> int | None:
    value = arendeuppgift.get("andringstidpunkt")
    if value is None or not value.strip():
        return None
    value = value.strip()
    if len(value) != 14 or not _is_ascii_digits(value):
        raise PostContentError(
            "Arendeuppgift/@andringstidpunkt", "is not YYYYMMDDhhmmss (14 digits)"
        )
    return int(value)


def _code(element: etree._Element, longest: int) -> str | None:
    # The schema allows two characters (a full four-digit KommunKod is honoured
    # too); a longer code is no known variant and would not fit the store.
    value = value_of(element)
    if value is not None and len(value) > longest:
        raise PostContentError(str(element.tag), f"is longer than {longest} characters")
    return value


def _date(element: etree._Element) -> str | None:
    # Incomplete dates (19750000, 0) are kept verbatim; only the form is checked.
    value = value_of(element)
    if value is None:
        return None
    if len(value) > 8 or not _is_ascii_digits(value):
        raise PostContentError(str(element.tag), "is not a date of 0-99999999")
    return value


def _is_person_number(value: str) -> bool:
    return len(value) == 12 and _is_ascii_digits(value)


def _is_ascii_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()
