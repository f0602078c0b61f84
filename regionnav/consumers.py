"""The consumer registry: who may call the hub, for what, and about whom.

A consumer is a calling system, named by the id its certificate carries (the
HSA-id in SITHS certificates, see ``certs.identity``). Its registration holds:

- the contracts it may call, each at one or more logical addresses
  (``*``: every address this hub answers for);
- the highest profile it may ask for (1-5). ``residentmaster`` answers the full
  record (relations, civil status, birth place: what ``persons`` calls profile
  4), so it can only be granted to consumers with profile 4 or 5;
- its population scope: everyone, or the residents of some län (2-digit codes)
  and kommuner (4-digit codes);
- the days it is active (from, and optionally to; both inclusive, Swedish time);
- the right to unmasked records of protected persons, which exists only together
  with a recorded legal basis (free text).

Ids and logical addresses are matched without regard to case, as the national
platform does. Every change bumps :func:`generation`, which tells a
:class:`~regionnav.policy.Policy` in the same process to reload at once.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from regionnav.errors import ConsumerError, StoreError
from regionnav.store.models import Consumer, ConsumerRight

logger = logging.getLogger(__name__)

CONTRACTS = ("residentmaster", "persons", "ping")
MIN_PROFILE = {"residentmaster": 4, "persons": 1, "ping": 1}
ANY_ADDRESS = "*"
EVERYONE = "*"
SWEDEN = ZoneInfo("Europe/Stockholm")
_CODE = re.compile(r"\d{2}|\d{4}")
_ADDRESS = re.compile(r"[^\s,]{1,64}")
_CONSUMER_ID = re.compile(r"\S(.{0,62}\S)?")

_generation = itertools.count(1)
_current_generation = 0


def generation() -> int:
    """A number that changes whenever this process changes a registration."""
    return _current_generation


def _changed() -> None:
    global _current_generation  # noqa: PLW0603  one counter for the process
    _current_generation = next(_generation)


def today() -> date:
    """The date in Sweden, which is what activity periods are written in."""
    return datetime.now(SWEDEN).date()


@dataclass(frozen=True)
class Scope:
    """The residents a consumer may see: everyone, or some län and kommuner."""

    lan: frozenset[str] = frozenset()
    kommuner: frozenset[str] = frozenset()

    @classmethod
    def of(cls, codes: Iterable[str]) -> Scope:
        """A scope from codes: 2 digits for a län, 4 for a kommun, ``*`` for all.

        Raises :class:`ValueError` naming the first malformed code.
        """
        wanted = [code.strip() for code in codes if code.strip()]
        if not wanted or EVERYONE in wanted:
            return cls()
        for code in wanted:
            if not _CODE.fullmatch(code):
                raise ValueError(f"not a län or kommun code: {code!r}")
        return cls(
            frozenset(c for c in wanted if len(c) == 2),
            frozenset(c for c in wanted if len(c) == 4),
        )

    @property
    def everyone(self) -> bool:
        return not self.lan and not self.kommuner

    def covers(self, lan_kod: str | None, kommun_kod: str | None) -> bool:
        """Whether a resident of that län and kommun is in scope.

        A person without a kommun (emigrated, deregistered) is covered only by
        a scope of everyone.
        """
        if self.everyone:
            return True
        lan = lan_kod or (kommun_kod[:2] if kommun_kod else None)
        return lan in self.lan or kommun_kod in self.kommuner

    def text(self) -> str:
        return ",".join(sorted(self.lan | self.kommuner)) or EVERYONE


@dataclass(frozen=True)
class Registration:
    """One consumer's registration, as the registry and the policy see it."""

    consumer_id: str
    name: str = ""
    max_profile: int = 1
    scope: Scope = field(default_factory=Scope)
    active_from: date = date(1970, 1, 1)
    active_to: date | None = None
    unmasked: bool = False
    legal_basis: str | None = None
    rights: frozenset[tuple[str, str]] = frozenset()
    _keys: frozenset[tuple[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = frozenset((c, a.lower()) for c, a in self.rights)
        object.__setattr__(self, "_keys", keys)

    def active_on(self, day: date) -> bool:
        """Whether ``day`` lies in the active period (both ends inclusive)."""
        ended = self.active_to is not None and day > self.active_to
        return self.active_from <= day and not ended

    def may_call(self, contract: str, logical_address: str) -> bool:
        """Whether the rights name ``contract`` at ``logical_address`` (or ``*``)."""
        return (contract, logical_address.lower()) in self._keys or (
            contract,
            ANY_ADDRESS,
        ) in self._keys

    def contracts(self) -> list[str]:
        return sorted({contract for contract, _ in self.rights})


class Consumers:
    """The registry in the store; every method is one transaction.

    Raises :class:`ConsumerError` for an unknown or duplicate consumer or a
    change that would leave its rights inconsistent, :class:`StoreError` when
    the store cannot be used.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, registration: Registration) -> Registration:
        """Register a new consumer with the given rights."""
        _check(registration)
        with self._transaction() as connection:
            if _find_id(connection, registration.consumer_id) is not None:
                raise ConsumerError(registration.consumer_id, "already registered")
            connection.execute(insert(Consumer).values(**_columns(registration)))
            _insert_rights(connection, registration.consumer_id, registration.rights)
        logger.info("consumer %s registered", registration.consumer_id)
        return registration

    def list(self) -> list[Registration]:
        """Every registration, ordered by consumer id."""
        return sorted(self.all().values(), key=lambda r: r.consumer_id)

    def show(self, consumer_id: str) -> Registration:
        found = self.all().get(consumer_id.lower())
        if found is None:
            raise ConsumerError(consumer_id, "not registered")
        return found

    def grant(
        self,
        consumer_id: str,
        rights: Iterable[tuple[str, str]] = (),
        *,
        name: str | None = None,
        max_profile: int | None = None,
        scope: Scope | None = None,
        active_from: date | None = None,
        active_to: date | None = None,
        unmasked: bool | None = None,
        legal_basis: str | None = None,
    ) -> Registration:
        """Add ``rights`` (contract, logical address) and change what is given.

        Arguments left at ``None`` keep their value. ``unmasked=True`` needs a
        legal basis, given now or recorded before.
        """
        current = self.show(consumer_id)
        wanted = replace(
            current,
            rights=current.rights | frozenset(rights),
            name=current.name if name is None else name,
            max_profile=max_profile or current.max_profile,
            scope=scope or current.scope,
            active_from=active_from or current.active_from,
            active_to=active_to or current.active_to,
            unmasked=current.unmasked if unmasked is None else unmasked,
            legal_basis=legal_basis or current.legal_basis,
        )
        return self._store(current, wanted)

    def revoke(
        self,
        consumer_id: str,
        contracts: Iterable[str] = (),
        addresses: Iterable[str] = (),
        unmasked: bool = False,
    ) -> Registration:
        """Withdraw rights.

        With contracts and addresses, the pairs of both; with contracts only,
        those contracts everywhere; with addresses only, every contract at
        those addresses. ``unmasked=True`` withdraws the unmasked right (and
        clears its legal basis).
        """
        current = self.show(consumer_id)
        contract_set, address_set = set(contracts), {a.lower() for a in addresses}
        kept = frozenset(
            (c, a)
            for c, a in current.rights
            if not (
                (not contract_set or c in contract_set)
                and (not address_set or a.lower() in address_set)
                and (contract_set or address_set)
            )
        )
        wanted = replace(current, rights=kept)
        if unmasked:
            wanted = replace(wanted, unmasked=False, legal_basis=None)
        return self._store(current, wanted)

    def remove(self, consumer_id: str) -> None:
        """Delete the registration; its audit records stay."""
        current = self.show(consumer_id)
        with self._transaction() as connection:
            key = current.consumer_id
            connection.execute(
                delete(ConsumerRight).where(ConsumerRight.consumer_id == key)
            )
            connection.execute(delete(Consumer).where(Consumer.consumer_id == key))
        logger.info("consumer %s removed", current.consumer_id)

    def all(self) -> dict[str, Registration]:
        """Every registration, keyed by its consumer id in lower case."""
        try:
            with self._engine.connect() as connection:
                rights: dict[str, set[tuple[str, str]]] = {}
                for row in connection.execute(select(ConsumerRight)):
                    rights.setdefault(row.consumer_id, set()).add(
                        (row.contract, row.logical_address)
                    )
                rows = connection.execute(select(Consumer)).all()
        except SQLAlchemyError as exc:
            raise StoreError(f"consumers unreadable: {type(exc).__name__}") from exc
        return {
            row.consumer_id.lower(): Registration(
                consumer_id=row.consumer_id,
                name=row.name,
                max_profile=row.max_profile,
                scope=Scope.of(row.scope.split(",")),
                active_from=row.active_from,
                active_to=row.active_to,
                unmasked=row.unmasked,
                legal_basis=row.legal_basis,
                rights=frozenset(rights.get(row.consumer_id, ())),
            )
            for row in rows
        }

    def _store(self, current: Registration, wanted: Registration) -> Registration:
        _check(wanted)
        key = current.consumer_id
        with self._transaction() as connection:
            values = _columns(wanted)
            del values["consumer_id"]
            connection.execute(
                update(Consumer).where(Consumer.consumer_id == key).values(**values)
            )
            connection.execute(
                delete(ConsumerRight).where(ConsumerRight.consumer_id == key)
            )
            _insert_rights(connection, key, wanted.rights)
        if wanted.unmasked and not current.unmasked:
            logger.warning("consumer %s granted unmasked protected records", key)
        logger.info("consumer %s changed", key)
        return wanted

    def _transaction(self) -> _Transaction:
        return _Transaction(self._engine)


class _Transaction:
    """``engine.begin()`` that translates database errors and bumps the generation."""

    def __init__(self, engine: Engine) -> None:
        self._context = engine.begin()

    def __enter__(self) -> Connection:
        try:
            return self._context.__enter__()
        except SQLAlchemyError as exc:
            raise StoreError(f"consumers unwritable: {type(exc).__name__}") from exc

    def __exit__(self, kind: object, value: BaseException | None, tb: object) -> None:
        try:
            self._context.__exit__(kind, value, tb)  # type: ignore[arg-type]
        except SQLAlchemyError as exc:
            raise StoreError(f"consumers unwritable: {type(exc).__name__}") from exc
        if value is None:
            _changed()


def _check(registration: Registration) -> None:
    """Raise :class:`ConsumerError` unless ``registration`` is consistent."""
    key = registration.consumer_id

    def refuse(reason: str) -> ConsumerError:
        return ConsumerError(key, reason)

    if not _CONSUMER_ID.fullmatch(key):
        raise refuse("a consumer id is 1-64 characters without surrounding blanks")
    if not 1 <= registration.max_profile <= 5:
        raise refuse("the profile must be 1 to 5")
    if (
        registration.active_to is not None
        and registration.active_to < registration.active_from
    ):
        raise refuse("the active period ends before it begins")
    if registration.unmasked and not (registration.legal_basis or "").strip():
        raise refuse("the unmasked right needs a recorded legal basis")
    for contract, address in registration.rights:
        if contract not in CONTRACTS:
            raise refuse(
                f"unknown contract {contract!r} (one of {', '.join(CONTRACTS)})"
            )
        if not _ADDRESS.fullmatch(address):
            raise refuse(f"not a logical address: {address!r}")
        if registration.max_profile < MIN_PROFILE[contract]:
            raise refuse(f"{contract} needs profile {MIN_PROFILE[contract]} or higher")


def _find_id(connection: Connection, consumer_id: str) -> str | None:
    query = select(Consumer.consumer_id).where(
        func.lower(Consumer.consumer_id) == consumer_id.lower()
    )
    return connection.execute(query).scalar_one_or_none()


def _columns(registration: Registration) -> dict[str, object]:
    return {
        "consumer_id": registration.consumer_id,
        "name": registration.name,
        "max_profile": registration.max_profile,
        "scope": registration.scope.text(),
        "active_from": registration.active_from,
        "active_to": registration.active_to,
        "unmasked": registration.unmasked,
        "legal_basis": registration.legal_basis if registration.unmasked else None,
        "changed_at": datetime.now(UTC),
    }


def _insert_rights(
    connection: Connection, consumer_id: str, rights: Iterable[tuple[str, str]]
) -> None:
    # One row per (contract, address) regardless of the case it was typed in.
    unique = {(c, a.lower()): (c, a) for c, a in rights}
    rows = [
        {"consumer_id": consumer_id, "contract": c, "logical_address": a}
        for c, a in unique.values()
    ]
    if rows:
        connection.execute(insert(ConsumerRight), rows)
