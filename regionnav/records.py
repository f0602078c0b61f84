"""Reading the mirror: the current record of a person, or the one valid at a time.

This is the read side that every contract uses. It hands out
:class:`StoredPerson` values: the facts lookups filter on, and the post itself
as Navet delivered it (``post_xml``, the UTF-8 bytes of the
``Folkbokforingspost`` element), for the contract's mapping to read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Row, and_, bindparam, func, or_, select

from regionnav.store.models import IdentityLink, Person, PersonVersion

# SQLite allows 32766 bound parameters; stay well below for both backends.
CHUNK = 900


@dataclass(frozen=True, slots=True)
class StoredPerson:
    """One identity's record as the mirror holds it."""

    person_id: str
    id_kind: str
    valid_from: int
    sekretessmarkering: bool
    skyddad_folkbokforing: bool
    avregistreringskod: str | None
    avregistreringsdatum: str | None
    lan_kod: str | None
    kommun_kod: str | None
    post_xml: bytes

    @property
    def protected(self) -> bool:
        """Either protection flag is set (sekretessmarkering or skyddad)."""
        return self.sekretessmarkering or self.skyddad_folkbokforing


class Records:
    """Read access to the mirror; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def current(self, person_ids: Sequence[str]) -> dict[str, StoredPerson]:
        """The current record of each id that the mirror knows."""
        found: dict[str, StoredPerson] = {}
        with self._engine.connect() as connection:
            for chunk in _chunks(person_ids):
                rows = connection.execute(_CURRENT, {"ids": chunk})
                found.update(_stored(row) for row in rows)
        return found

    def as_of(self, person_ids: Sequence[str], moment: int) -> dict[str, StoredPerson]:
        """Each id's record as it was at ``moment`` (``YYYYMMDDhhmmss``).

        The version valid then is the latest whose ``valid_from`` is not later
        than ``moment``; an id with no version yet at that time is left out.
        The protection flags and deregistration are read from that version.
        """
        from adapters.navet.facts import facts_of

        found: dict[str, StoredPerson] = {}
        with self._engine.connect() as connection:
            for chunk in _chunks(person_ids):
                latest = (
                    select(
                        PersonVersion.person_id,
                        func.max(PersonVersion.valid_from).label("valid_from"),
                    )
                    .where(
                        PersonVersion.person_id.in_(chunk),
                        PersonVersion.valid_from <= moment,
                    )
                    .group_by(PersonVersion.person_id)
                    .subquery()
                )
                query = select(PersonVersion).join(
                    latest,
                    and_(
                        PersonVersion.person_id == latest.c.person_id,
                        PersonVersion.valid_from == latest.c.valid_from,
                    ),
                )
                for version in connection.execute(query).all():
                    facts = facts_of(version.post_xml)
                    found[version.person_id] = StoredPerson(
                        person_id=version.person_id,
                        id_kind=facts.id_kind,
                        valid_from=version.valid_from,
                        sekretessmarkering=facts.sekretessmarkering,
                        skyddad_folkbokforing=facts.skyddad_folkbokforing,
                        avregistreringskod=facts.avregistreringskod,
                        avregistreringsdatum=facts.avregistreringsdatum,
                        lan_kod=facts.lan_kod,
                        kommun_kod=facts.kommun_kod,
                        post_xml=version.post_xml,
                    )
        return found

    def linked(self, person_id: str) -> list[tuple[str, str, str | None]]:
        """Number changes touching ``person_id``: ``(old_id, new_id, reason)``."""
        query = select(
            IdentityLink.old_id, IdentityLink.new_id, IdentityLink.reason
        ).where(or_(IdentityLink.old_id == person_id, IdentityLink.new_id == person_id))
        with self._engine.connect() as connection:
            return [(row[0], row[1], row[2]) for row in connection.execute(query)]

    def count(self) -> int:
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(Person)
                ).scalar_one()
            )


_PERSON_COLUMNS = (
    Person.person_id,
    Person.id_kind,
    Person.valid_from,
    Person.sekretessmarkering,
    Person.skyddad_folkbokforing,
    Person.avregistreringskod,
    Person.avregistreringsdatum,
    Person.lan_kod,
    Person.kommun_kod,
)


# Built once: composing the statement per call cost more than running it.
_CURRENT = (
    select(*_PERSON_COLUMNS, PersonVersion.post_xml)
    .join(PersonVersion, PersonVersion.id == Person.version_id)
    .where(Person.person_id.in_(bindparam("ids", expanding=True)))
)


def _stored(row: Row[Any]) -> tuple[str, StoredPerson]:
    person = StoredPerson(*row)
    return person.person_id, person


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]
