"""Reading the mirror: the current record of a person, or the one valid at a time.

This is the read side that every contract uses. It hands out
:class:`StoredPerson` values: the facts lookups filter on, and the post itself
as Navet delivered it (``post_xml``, the UTF-8 bytes of the
``Folkbokforingspost`` element), for the contract's mapping to read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from regionnav.errors import StoreError
from regionnav.store.dictionaries import load_dictionary
from regionnav.store.models import IdentityLink, Person, PersonVersion
from regionnav.store.packing import Unpacker

_T = TypeVar("_T")

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

    @classmethod
    def of_post(cls, post_xml: bytes, valid_from: int) -> StoredPerson:
        """The record of one stored post, its facts read from the post itself."""
        from adapters.navet.facts import facts_of

        facts = facts_of(post_xml)
        return cls(
            person_id=facts.person_id,
            id_kind=facts.id_kind,
            valid_from=valid_from,
            sekretessmarkering=facts.sekretessmarkering,
            skyddad_folkbokforing=facts.skyddad_folkbokforing,
            avregistreringskod=facts.avregistreringskod,
            avregistreringsdatum=facts.avregistreringsdatum,
            lan_kod=facts.lan_kod,
            kommun_kod=facts.kommun_kod,
            post_xml=post_xml,
        )


class Protected(Protocol):
    """Anything that says whether its person is protected; what disclosure reads."""

    @property
    def protected(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Protection:
    """One identity's protection flags, without its post."""

    person_id: str
    sekretessmarkering: bool
    skyddad_folkbokforing: bool

    @property
    def protected(self) -> bool:
        """Either protection flag is set (sekretessmarkering or skyddad)."""
        return self.sekretessmarkering or self.skyddad_folkbokforing


class Records:
    """Read access to the mirror; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._unpacker = Unpacker(self._dictionary)
        self._current = _CurrentRead(engine.dialect.name, self._unpacker)

    def current(self, person_ids: Sequence[str]) -> dict[str, StoredPerson]:
        """The current record of each id that the mirror knows.

        All ids are read from one snapshot of the mirror. Raises
        :class:`StoreError` when the store cannot be read.
        """
        unique = list(dict.fromkeys(person_ids))
        if not unique:
            return {}
        return self._on_connection(
            lambda connection: self._current.read(connection, unique)
        )

    def protection(self, person_ids: Sequence[str]) -> dict[str, Protection]:
        """The current protection flags of each id that the mirror knows.

        For deciding whether an answer may name a person: no post is read.
        Raises :class:`StoreError` when the store cannot be read.
        """
        unique = list(dict.fromkeys(person_ids))
        if not unique:
            return {}
        rows = self._on_connection(
            lambda connection: self._current.rows(
                connection, _SELECT_PROTECTION, unique
            )
        )
        # SQLite has no boolean type: its flags come back as 0 and 1.
        return {
            pid: Protection(pid, bool(sekretess), bool(skyddad))
            for pid, sekretess, skyddad in rows
        }

    def as_of(self, person_ids: Sequence[str], moment: int) -> dict[str, StoredPerson]:
        """Each id's record as it was at ``moment`` (``YYYYMMDDhhmmss``).

        The version valid then is the latest whose ``valid_from`` is not later
        than ``moment``; an id with no version yet at that time is left out.
        The protection flags and deregistration are read from that version.
        """

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
                    post = self._unpacker.unpack(
                        version.dictionary_id, version.post_xml
                    )
                    found[version.person_id] = StoredPerson.of_post(
                        post, version.valid_from
                    )
        return found

    def linked(self, person_id: str) -> list[tuple[str, str, str | None]]:
        """Number changes touching ``person_id``: ``(old_id, new_id, reason)``."""
        query = select(
            IdentityLink.old_id, IdentityLink.new_id, IdentityLink.reason
        ).where(or_(IdentityLink.old_id == person_id, IdentityLink.new_id == person_id))
        with self._engine.connect() as connection:
            return [(row[0], row[1], row[2]) for row in connection.execute(query)]

    def _on_connection(self, read: Callable[[Any], _T]) -> _T:
        """``read`` on a pooled DBAPI connection; driver errors as StoreError."""
        try:
            connection = self._engine.raw_connection()
        except SQLAlchemyError as exc:
            raise _unreadable(exc) from exc
        dbapi = self._engine.dialect.loaded_dbapi
        try:
            return read(connection)
        except dbapi.Error as exc:
            raise _unreadable(exc) from exc
        finally:
            # Back to the pool, which ends any transaction the read left open.
            connection.close()

    def _dictionary(self, dictionary_id: int) -> bytes:
        with self._engine.connect() as connection:
            return load_dictionary(connection, dictionary_id)

    def count(self) -> int:
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(Person)
                ).scalar_one()
            )


class _CurrentRead:
    """The current-record read at driver level: it runs on every lookup.

    Through SQLAlchemy Core, the statement cache, events and result objects
    cost more than SQLite's own work for a one-id read; here it is a fixed SQL
    string on the pooled DBAPI connection. PostgreSQL takes all ids as one
    array. SQLite takes them in chunks of :data:`CHUNK` bound parameters: one
    chunk needs no explicit transaction (a single SELECT sees one snapshot),
    more are read inside one.
    """

    def __init__(self, dialect: str, unpacker: Unpacker) -> None:
        self._postgresql = dialect == "postgresql"
        self._unpacker = unpacker
        self._sqlite_in: dict[tuple[str, int], str] = {}

    def read(self, connection: Any, ids: list[str]) -> dict[str, StoredPerson]:
        typed = self._postgresql
        rows = self.rows(connection, _SELECT_CURRENT, ids)
        return dict(self._stored(row, typed) for row in rows)

    def rows(self, connection: Any, select: str, ids: list[str]) -> list[Any]:
        """The rows of ``select`` (ending in ``WHERE ... person_id``) for ``ids``."""
        cursor = connection.cursor()
        if self._postgresql:
            cursor.execute(select + "= ANY(%s)", (ids,))
            rows: list[Any] = cursor.fetchall()
            cursor.close()
            return rows

        chunks = list(_chunks(ids))
        if len(chunks) > 1:
            cursor.execute("BEGIN")
        rows = []
        for chunk in chunks:
            cursor.execute(self._sqlite_in_list(select, len(chunk)), chunk)
            rows.extend(cursor.fetchall())
        if len(chunks) > 1:
            cursor.execute("COMMIT")
        cursor.close()
        return rows

    def _stored(self, row: Any, typed: bool) -> tuple[str, StoredPerson]:
        pid, kind, valid_from, sekretess, skyddad, kod, datum, lan, kommun = row[:9]
        if not typed:
            # SQLite has no boolean type: the flags come back as 0 and 1.
            sekretess, skyddad = bool(sekretess), bool(skyddad)
        post = self._unpacker.unpack(row[10], row[9])
        person = StoredPerson(
            pid, kind, valid_from, sekretess, skyddad, kod, datum, lan, kommun, post
        )
        return pid, person

    def _sqlite_in_list(self, select: str, count: int) -> str:
        sql = self._sqlite_in.get((select, count))
        if sql is None:
            marks = ", ".join("?" * count)
            sql = self._sqlite_in[select, count] = f"{select}IN ({marks})"
        return sql


# The persons and person_versions tables of regionnav.store.models.
_SELECT_CURRENT = (
    "SELECT p.person_id, p.id_kind, p.valid_from, p.sekretessmarkering, "
    "p.skyddad_folkbokforing, p.avregistreringskod, p.avregistreringsdatum, "
    "p.lan_kod, p.kommun_kod, v.post_xml, v.dictionary_id FROM persons p "
    "JOIN person_versions v ON v.id = p.version_id WHERE p.person_id "
)
_SELECT_PROTECTION = (
    "SELECT person_id, sekretessmarkering, skyddad_folkbokforing FROM persons "
    "WHERE person_id "
)


def _unreadable(exc: BaseException) -> StoreError:
    # The class name only: driver messages may repeat the bound person ids.
    return StoreError(f"the store cannot be read: {type(exc).__name__}")


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]
