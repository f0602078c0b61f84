"""The consumer registry on SQLite and PostgreSQL: add, show, grant, revoke, remove."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from regionnav.consumers import Consumers, Registration, Scope
from regionnav.errors import ConsumerError
from regionnav.store.models import Consumer

JOURNAL = Registration(
    "SE2321000230-JOUR",
    name="Journal",
    max_profile=2,
    scope=Scope.of(["25", "0180"]),
    active_from=date(2026, 1, 1),
    active_to=date(2027, 12, 31),
    rights=frozenset({("persons", "SE2321000230-RNAV"), ("ping", "*")}),
)


@pytest.fixture
def registry(engine: Engine) -> Consumers:
    consumers = Consumers(engine)
    consumers.add(JOURNAL)
    return consumers


def test_added_consumer_reads_back_unchanged(registry: Consumers) -> None:
    assert registry.show("SE2321000230-JOUR") == JOURNAL


def test_consumer_is_found_whatever_the_case(registry: Consumers) -> None:
    assert registry.show("se2321000230-jour").consumer_id == "SE2321000230-JOUR"


def test_list_names_every_consumer_in_order(registry: Consumers) -> None:
    registry.add(Registration("SE2321000230-AAAA"))

    ids = [r.consumer_id for r in registry.list()]
    assert ids == ["SE2321000230-AAAA", "SE2321000230-JOUR"]


def test_grant_adds_rights_and_keeps_the_rest(registry: Consumers) -> None:
    changed = registry.grant("SE2321000230-JOUR", [("persons", "25")], max_profile=3)

    assert changed.rights == JOURNAL.rights | {("persons", "25")}
    assert (changed.max_profile, changed.scope) == (3, JOURNAL.scope)
    assert registry.show("SE2321000230-JOUR") == changed


@pytest.mark.parametrize(
    ("contracts", "addresses", "left"),
    [
        (["persons"], [], {("ping", "*")}),
        ([], ["*"], {("persons", "SE2321000230-RNAV")}),
        (["ping"], ["SE2321000230-RNAV"], JOURNAL.rights),
        (["persons"], ["se2321000230-rnav"], {("ping", "*")}),
    ],
)
def test_revoke_withdraws_the_named_rights(
    registry: Consumers,
    contracts: list[str],
    addresses: list[str],
    left: set[tuple[str, str]],
) -> None:
    changed = registry.revoke("SE2321000230-JOUR", contracts, addresses)

    assert registry.show("SE2321000230-JOUR").rights == changed.rights == left


def test_unmasked_right_is_recorded_with_its_legal_basis(registry: Consumers) -> None:
    registry.grant("SE2321000230-JOUR", unmasked=True, legal_basis="PDL 4 kap.")

    shown = registry.show("SE2321000230-JOUR")
    assert (shown.unmasked, shown.legal_basis) == (True, "PDL 4 kap.")


def test_revoking_unmasked_right_clears_its_legal_basis(registry: Consumers) -> None:
    registry.grant("SE2321000230-JOUR", unmasked=True, legal_basis="PDL 4 kap.")
    registry.revoke("SE2321000230-JOUR", unmasked=True)

    shown = registry.show("SE2321000230-JOUR")
    assert (shown.unmasked, shown.legal_basis) == (False, None)


def test_removed_consumer_is_gone(registry: Consumers) -> None:
    registry.remove("SE2321000230-JOUR")

    with pytest.raises(ConsumerError, match="not registered"):
        registry.show("SE2321000230-JOUR")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"unmasked": True}, "legal basis"),
        ({"unmasked": True, "legal_basis": "  "}, "legal basis"),
        ({"max_profile": 6}, "profile"),
        ({"active_to": date(2025, 1, 1)}, "ends before it begins"),
    ],
)
def test_inconsistent_change_is_refused(
    registry: Consumers, change: dict[str, object], reason: str
) -> None:
    with pytest.raises(ConsumerError, match=reason):
        registry.grant("SE2321000230-JOUR", **change)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rights", "reason"),
    [
        ({("residentmaster", "*")}, "needs profile 4"),
        ({("lookup", "*")}, "unknown contract"),
        ({("persons", "two words")}, "not a logical address"),
    ],
)
def test_inconsistent_rights_are_refused(
    registry: Consumers, rights: set[tuple[str, str]], reason: str
) -> None:
    with pytest.raises(ConsumerError, match=reason):
        registry.grant("SE2321000230-JOUR", rights)


def test_same_consumer_twice_is_refused_whatever_the_case(registry: Consumers) -> None:
    with pytest.raises(ConsumerError, match="already registered"):
        registry.add(Registration("se2321000230-jour"))


def test_unknown_consumer_cannot_be_granted(registry: Consumers) -> None:
    with pytest.raises(ConsumerError, match="not registered"):
        registry.grant("SE2321000230-NONE", [("ping", "*")])


@pytest.mark.parametrize("code", ["2", "123", "25x", "25801"])
def test_malformed_scope_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="not a län or kommun code"):
        Scope.of([code])


def test_database_refuses_unmasked_right_without_legal_basis(engine: Engine) -> None:
    row = {
        "consumer_id": "SE2321000230-HAND",
        "name": "",
        "max_profile": 1,
        "scope": "*",
        "active_from": date(2026, 1, 1),
        "unmasked": True,
        "legal_basis": None,
        "changed_at": datetime.now(UTC),
    }
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(Consumer).values(**row))
