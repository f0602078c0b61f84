"""What the generator knows about a person before it becomes a post.

Households and special cases fill these plain objects; :mod:`.posts` turns
each :class:`Person` into one ``Folkbokforingspost``. Dates are ``YYYYMMDD``
integers and may be incomplete (``19750000``, ``0``), as in Navet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.navet.generator.names import Name
from adapters.navet.generator.places import Kommun


@dataclass(slots=True)
class Address:
    """A Swedish address (SvenskAdress): street line, postcode and town."""

    street: str | None
    postnr: int
    postort: str
    care_of: str | None = None
    line1: str | None = None


@dataclass(slots=True)
class Dwelling:
    """Where a person is folkbokförd: kommun, property, flat and address."""

    kommun: Kommun
    since: int
    fastighet: str
    address: Address
    lagenhet: str | None = None
    uuids: tuple[str, str, str | None] | None = None
    riksnycklar: tuple[str, int, int | None] | None = None
    distrikt: int | None = None


@dataclass(slots=True)
class Abroad:
    """An address outside Sweden (Utlandsadress)."""

    lines: tuple[str, ...]
    land: str
    since: int


@dataclass(slots=True)
class Relation:
    """A relation of the post's person to another person.

    ``person_id`` names a person of the same file; ``fodelsetid`` (birth date
    and four zeros) a relative who was never folkbokförd, who then has a
    ``name``. ``deceased`` is the related person's date of death.
    """

    kind: str
    person_id: str | None = None
    fodelsetid: str | None = None
    since: int | None = None
    name: Name | None = None
    deceased: int | None = None
    status: str | None = None


@dataclass(slots=True)
class Deregistration:
    """Avregistrering: reason code, date and, for AV, when the body was found."""

    code: str
    date: int
    found_dead: int | None = None


@dataclass(slots=True)
class IdentityState:
    """The 2022 reform's identity status and level of a samordningsnummer."""

    status: str
    status_date: int
    reason: str | None = None
    level: str | None = None
    level_date: int | None = None


@dataclass(slots=True)
class Samordning:
    """Samordningsnummeruppgifter: assignment, dormancy and renewal dates."""

    assigned: int
    dormant_from: int | None = None
    renewed: int | None = None
    died: int | None = None


@dataclass(slots=True)
class Person:
    """One person record, which becomes one ``Folkbokforingspost``."""

    person_id: str
    sex: str
    birth: int
    name: Name
    changed_at: int = 0
    samordning: bool = False
    sekretess: bool = False
    skyddad: bool = False
    flags_nil: bool = False
    referral: str | None = None
    deregistration: Deregistration | None = None
    dwelling: Dwelling | None = None
    postal: Address | None = None
    abroad: Abroad | None = None
    civil: tuple[str, int | None] | None = None
    born_in: tuple[str, str] | None = None
    born_abroad: tuple[str, str] | None = None
    immigrated: int | None = None
    relations: list[Relation] = field(default_factory=list)
    citizenships: list[tuple[str, int]] = field(default_factory=list)
    identity: IdentityState | None = None
    samordning_info: Samordning | None = None
    history: list[Dwelling] = field(default_factory=list)

    @property
    def reduced(self) -> bool:
        """A protected person's post carries only the essentials.

        Identity, name, kommun of residence and, for skyddad folkbokföring,
        Skatteverket's forwarding address as the only address.
        """
        return self.sekretess or self.skyddad
