"""Generated populations for the protected-identity property, as Navet deliveries.

A population is a handful of Skatteverket's public test personnummer (from
``adapters/navet/data/testpersonnummer.csv``, nobody real), each with one or
two versions: one in a first delivery (2020), and for some a newer one in a
second (2024). Every version draws its own protection flags (``J``, ``N``,
absent or nil for each of Sekretessmarkering and SkyddadFolkbokforing), name
parts, addresses (folkbokföring, special postal, abroad, an earlier one in
``Historik``) and relations to other persons of the population; some persons
are replaced by a later one (a number change, GN with hänvisning both ways).

Every value a person could be recognised by carries a marker of its own:
``Q``, three capitals and ``q`` (Q and q occur nowhere else), and every postal
code is unique, so a leak is found in any answer whatever the contract's
mapping did around the value.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hypothesis import strategies as st
from lxml import etree

from adapters.navet.writer import write_delivery

NUMBERS_FILE = (
    Path(__file__).resolve().parents[3] / "adapters/navet/data/testpersonnummer.csv"
)
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# Each flag element: "J", "N", None (absent) or "nil" (xsi:nil="true").
FLAGS = ("J", "N", None, "nil")
NAME_PARTS = ("Fornamn", "Mellannamn", "Efternamn", "Aviseringsnamn")
RELATION_TYPES = ("B", "MO", "FA", "F", "V", "VF", "M", "P")
# When each delivery's posts changed, and a moment between the two.
DELIVERY_DAYS = ("20200115", "20240115")
BETWEEN = 20220101000000

# Letters for the free part of values: Swedish ones, no Q or q.
_LETTERS = "".join(c for c in string.ascii_letters if c not in "Qq") + "ÅÄÖåäöéü -"
_PREFIX = st.text(alphabet=_LETTERS, max_size=6)


@cache
def personnummer() -> tuple[str, ...]:
    """Skatteverket's test personnummer, as the Navet adapter ships them."""
    lines = NUMBERS_FILE.read_text(encoding="utf-8").split()
    return tuple(line for line in lines if line.isdigit())


def marker(n: int) -> str:
    """The ``n``-th marker: ``Q`` + three capitals + ``q``."""
    letters = string.ascii_uppercase
    return "Q" + "".join(letters[n // 26**k % 26] for k in (2, 1, 0)) + "q"


@dataclass(frozen=True)
class Address:
    """A Swedish address (``SvenskAdressTYPE``) or one abroad (``Land`` set)."""

    lines: tuple[str, ...]
    postnr: str | None = None
    postort: str | None = None
    land: str | None = None


@dataclass(frozen=True)
class Version:
    """One post of a person."""

    sekretess: str | None
    skyddad: str | None
    names: tuple[tuple[str, str], ...]
    addresses: tuple[tuple[str, Address], ...]
    property_designation: str | None
    earlier_address: Address | None
    relations: tuple[tuple[str, int], ...]

    @property
    def protected(self) -> bool:
        return "J" in (self.sekretess, self.skyddad)

    def name_values(self) -> tuple[str, ...]:
        return tuple(value for _, value in self.names)

    def address_values(self) -> tuple[str, ...]:
        """Every address string (postal codes apart)."""
        values = [self.property_designation] if self.property_designation else []
        blocks = [address for _, address in self.addresses]
        if self.earlier_address is not None:
            blocks.append(self.earlier_address)
        for address in blocks:
            values.extend(address.lines)
            values.extend(v for v in (address.postort, address.land) if v)
        return tuple(values)

    def postal_codes(self) -> tuple[str, ...]:
        blocks = [address for _, address in self.addresses]
        if self.earlier_address is not None:
            blocks.append(self.earlier_address)
        return tuple(a.postnr for a in blocks if a.postnr is not None)

    def address(self, block: str) -> Address | None:
        return dict(self.addresses).get(block)


@dataclass(frozen=True)
class Person:
    person_id: str
    versions: tuple[Version, ...]
    replaced_by: int | None = None

    @property
    def current(self) -> Version:
        return self.versions[-1]

    def at(self, moment: int | None) -> Version | None:
        """The version valid at ``moment`` (``None``: now)."""
        if moment is None:
            return self.current
        return self.versions[0] if moment >= BETWEEN else None


@dataclass(frozen=True)
class Population:
    persons: tuple[Person, ...]

    @property
    def ids(self) -> list[str]:
        return [person.person_id for person in self.persons]

    def hidden(self, moment: int | None) -> list[Person]:
        """Who an unprivileged consumer may see only masked in an answer about
        ``moment``: protected now, or then (the stricter decision holds)."""
        return [
            person
            for person in self.persons
            if person.current.protected
            or ((then := person.at(moment)) is not None and then.protected)
        ]

    def replacing(self, index: int) -> list[int]:
        """The persons that ``index`` replaced (refer back to them)."""
        return [i for i, p in enumerate(self.persons) if p.replaced_by == index]


# -- the strategy ----------------------------------------------------------------


@st.composite
def populations(draw: st.DrawFn, max_persons: int = 8) -> Population:
    """Persons with random flags, values, relations and number changes."""
    ids = draw(
        st.lists(
            st.sampled_from(personnummer()),
            min_size=2,
            max_size=max_persons,
            unique=True,
        )
    )
    counter = itertools.count()

    def value() -> str:
        return draw(_PREFIX) + marker(next(counter))

    def postnr() -> str:
        return f"{11000 + 37 * next(counter):05d}"

    def version(index: int) -> Version:
        return _version(draw, index, len(ids), value, postnr)

    persons = []
    taken: set[int] = set()
    for index, person_id in enumerate(ids):
        versions = [version(index)]
        if draw(st.booleans()):
            versions.append(version(index))
        later = [j for j in range(index + 1, len(ids)) if j not in taken]
        replaced_by = draw(st.none() | st.sampled_from(later)) if later else None
        if replaced_by is not None:
            taken.add(replaced_by)
        persons.append(Person(person_id, tuple(versions), replaced_by))
    return Population(tuple(persons))


def _version(
    draw: st.DrawFn,
    index: int,
    size: int,
    value: Callable[[], str],
    postnr: Callable[[], str],
) -> Version:
    names = tuple((part, value()) for part in NAME_PARTS if draw(st.booleans()))
    addresses: list[tuple[str, Address]] = []
    for block in ("Folkbokforingsadress", "SarskildPostadress"):
        if draw(st.booleans()):
            addresses.append((block, _swedish(draw, value, postnr)))
    if draw(st.booleans()):
        lines = tuple(value() for _ in range(draw(st.integers(1, 3))))
        addresses.append(("Utlandsadress", Address(lines, land=value())))
    earlier = _swedish(draw, value, postnr) if draw(st.booleans()) else None
    others = [j for j in range(size) if j != index]
    related = draw(st.lists(st.sampled_from(others), unique=True, max_size=3))
    relations = tuple((draw(st.sampled_from(RELATION_TYPES)), j) for j in related)
    return Version(
        sekretess=draw(st.sampled_from(FLAGS)),
        skyddad=draw(st.sampled_from(FLAGS)),
        names=names,
        addresses=tuple(addresses),
        property_designation=value() if draw(st.booleans()) else None,
        earlier_address=earlier,
        relations=relations,
    )


def _swedish(
    draw: st.DrawFn, value: Callable[[], str], postnr: Callable[[], str]
) -> Address:
    lines = tuple(value() for _ in range(draw(st.integers(1, 2))))
    return Address(lines, postnr=postnr(), postort=value())


# -- Navet posts -----------------------------------------------------------------


def write_deliveries(population: Population, folder: Path) -> list[Path]:
    """The population as two Navet deliveries (2020, then 2024), to import in order."""
    paths = []
    for delivery in (0, 1):
        path = folder / f"protection-{delivery}.xml"
        write_delivery(path, list(_posts(population, delivery)))
        paths.append(path)
    return paths


def _posts(population: Population, delivery: int) -> Iterator[etree._Element]:
    for index, person in enumerate(population.persons):
        if delivery < len(person.versions):
            yield _post(population, index, delivery)


def _post(population: Population, index: int, delivery: int) -> etree._Element:
    person = population.persons[index]
    version = person.versions[delivery]
    last = delivery == len(person.versions) - 1
    root = etree.Element("Folkbokforingspost", nsmap={"xsi": XSI})
    _flag(root, "Sekretessmarkering", version.sekretess)
    _flag(root, "SkyddadFolkbokforing", version.skyddad)
    changed = f"{DELIVERY_DAYS[delivery]}{index // 60:02d}{index % 60:02d}00"
    etree.SubElement(root, "Arendeuppgift", andringstidpunkt=changed)

    personpost = etree.SubElement(root, "Personpost")
    _text(etree.SubElement(personpost, "PersonId"), "PersonNr", person.person_id)
    # The number change is what the newest post of each side says.
    replaced_by = person.replaced_by if last else None
    if replaced_by is not None:
        newer = population.persons[replaced_by].person_id
        _text(personpost, "HanvisningsPersonNr", newer)
    older = population.replacing(index) if last else []
    if older:
        referrals = etree.SubElement(personpost, "Hanvisningar")
        for old in older:
            referral = etree.SubElement(referrals, "Hanvisning")
            _text(referral, "HanvisningsPersonNr", population.persons[old].person_id)
    if replaced_by is not None:
        deregistration = etree.SubElement(personpost, "Avregistrering")
        _text(deregistration, "AvregistreringsorsakKod", "GN")
        _text(deregistration, "Avregistreringsdatum", DELIVERY_DAYS[delivery])
    _names(personpost, version.names)
    _folkbokforing(personpost, version.property_designation)
    if version.addresses:
        addresses = etree.SubElement(personpost, "Adresser")
        for block, address in version.addresses:
            _address(addresses, block, address)
    if version.relations:
        relations = etree.SubElement(personpost, "Relationer")
        for kind, other in version.relations:
            _relation(relations, population, kind, other, delivery)

    if version.earlier_address is not None:
        history = etree.SubElement(root, "Historik")
        _address(history, "Folkbokforingsadress", version.earlier_address)
    return root


def _relation(
    parent: etree._Element,
    population: Population,
    kind: str,
    other: int,
    delivery: int,
) -> None:
    """A relation as Navet sends it: the number, the type and the related
    person's name as it was when this post was made."""
    related = population.persons[other]
    relation = etree.SubElement(parent, "Relation")
    _text(etree.SubElement(relation, "RelationId"), "PersonNr", related.person_id)
    _text(relation, "Relationstyp", kind)
    names = related.versions[min(delivery, len(related.versions) - 1)].names
    _names(relation, names)


def _names(parent: etree._Element, names: tuple[tuple[str, str], ...]) -> None:
    if names:
        namn = etree.SubElement(parent, "Namn")
        for part, value in names:
            _text(namn, part, value)


def _folkbokforing(parent: etree._Element, property_designation: str | None) -> None:
    folkbokforing = etree.SubElement(parent, "Folkbokforing")
    _text(folkbokforing, "Folkbokforingsdatum", "20190501")
    _text(folkbokforing, "LanKod", "25")
    _text(folkbokforing, "KommunKod", "80")
    if property_designation is not None:
        _text(folkbokforing, "Fastighetsbeteckning", property_designation)


def _address(parent: etree._Element, block: str, address: Address) -> None:
    element = etree.SubElement(parent, block)
    for number, line in enumerate(address.lines, start=1):
        _text(element, f"Utdelningsadress{number}", line)
    if address.land is not None:
        _text(element, "Land", address.land)
        return
    if address.postnr is not None:
        _text(element, "PostNr", address.postnr)
    if address.postort is not None:
        _text(element, "Postort", address.postort)


def _flag(parent: etree._Element, tag: str, value: str | None) -> None:
    if value == "nil":
        etree.SubElement(parent, tag, {f"{{{XSI}}}nil": "true"})
    elif value is not None:
        _text(parent, tag, value)


def _text(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value
