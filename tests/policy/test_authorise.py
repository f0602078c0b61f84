"""Policy.authorise: who may call what, and the audit record of every refusal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, update

from regionnav.audit import AuditTrail
from regionnav.consumers import Consumers, Scope
from regionnav.errors import NotAuthorisedError, RequestError
from regionnav.logs import correlation_id
from regionnav.policy import Grant, Policy
from regionnav.store.models import Consumer, ConsumerRight
from tests.policy.helpers import HUB, HUB_ADDRESS, OTHER_HUB_ADDRESS, person

JOURNAL = "SE2321000230-JOUR"
FULL = "SE2321000230-FULL"

REFUSALS = [
    pytest.param(None, "persons", HUB_ADDRESS, None, id="no-certificate-id"),
    pytest.param("SE2321000230-NONE", "persons", HUB_ADDRESS, None, id="unknown"),
    pytest.param("SE2321000230-PAST", "persons", HUB_ADDRESS, None, id="ended"),
    pytest.param("SE2321000230-SOON", "persons", HUB_ADDRESS, None, id="not-begun"),
    pytest.param(JOURNAL, "residentmaster", HUB_ADDRESS, None, id="wrong-contract"),
    pytest.param(JOURNAL, "persons", OTHER_HUB_ADDRESS, None, id="wrong-address"),
    pytest.param(JOURNAL, "persons", HUB_ADDRESS, 3, id="profile-too-high"),
    pytest.param(JOURNAL, "persons", HUB_ADDRESS, 6, id="reserved-profile"),
]

GRANTS = [
    pytest.param(JOURNAL, "persons", HUB_ADDRESS, 2, id="own-address"),
    pytest.param(JOURNAL, "persons", HUB_ADDRESS.lower(), 1, id="address-any-case"),
    pytest.param(JOURNAL.lower(), "persons", HUB_ADDRESS, None, id="id-any-case"),
    pytest.param(JOURNAL, "ping", "25", None, id="wildcard-address"),
    pytest.param(FULL, "residentmaster", OTHER_HUB_ADDRESS, None, id="full-profile"),
]


@pytest.mark.parametrize(("consumer", "contract", "address", "profile"), REFUSALS)
def test_call_outside_rights_is_not_authorised(
    policy: Policy,
    consumer: str | None,
    contract: str,
    address: str,
    profile: int | None,
) -> None:
    with pytest.raises(NotAuthorisedError, match=r"^not authorised$"):
        policy.authorise(consumer, contract, address, profile)


@pytest.mark.parametrize(("consumer", "contract", "address", "profile"), GRANTS)
def test_call_inside_rights_is_granted(
    policy: Policy, consumer: str, contract: str, address: str, profile: int | None
) -> None:
    grant = policy.authorise(consumer, contract, address, profile)

    assert (grant.consumer_id.lower(), grant.contract) == (consumer.lower(), contract)


def test_grant_carries_profile_scope_and_unmasked_right(policy: Policy) -> None:
    grant = policy.authorise(JOURNAL, "persons", HUB_ADDRESS)

    assert (grant.max_profile, grant.unmasked, grant.scope) == (
        2,
        False,
        Scope.of(["25"]),
    )


def test_refusal_is_audited_without_a_person(policy: Policy, trail: AuditTrail) -> None:
    correlation_id.set("refusal-test")
    with pytest.raises(NotAuthorisedError):
        policy.authorise(JOURNAL, "residentmaster", HUB_ADDRESS)

    [entry] = trail.person("-")
    assert (entry.consumer_id, entry.contract, entry.result, entry.correlation_id) == (
        JOURNAL,
        "residentmaster",
        "refused",
        "refusal-test",
    )


def test_address_the_hub_does_not_answer_for_is_a_request_error(
    policy: Policy, trail: AuditTrail
) -> None:
    with pytest.raises(RequestError) as raised:
        policy.authorise(JOURNAL, "persons", "SE2321000016-OTHER")

    assert not isinstance(raised.value, NotAuthorisedError)
    assert trail.verify().records == 0


def test_residentmaster_needs_the_full_profile_even_if_stored_rights_say_otherwise(
    sqlite_engine: Engine, policy: Policy
) -> None:
    # A row written around the registry's own check (e.g. by hand in the database).
    with sqlite_engine.begin() as connection:
        connection.execute(
            insert(Consumer).values(
                consumer_id="SE2321000230-HAND",
                name="",
                max_profile=2,
                scope="*",
                active_from=datetime(2020, 1, 1).date(),
                unmasked=False,
                changed_at=datetime.now(UTC),
            )
        )
        connection.execute(
            insert(ConsumerRight).values(
                consumer_id="SE2321000230-HAND",
                contract="residentmaster",
                logical_address="*",
            )
        )

    with pytest.raises(NotAuthorisedError):
        Policy(sqlite_engine, HUB, ttl_seconds=0).authorise(
            "SE2321000230-HAND", "residentmaster", HUB_ADDRESS
        )


def test_revocation_in_this_process_is_seen_at_once(
    policy: Policy, registry: Consumers
) -> None:
    policy.authorise(JOURNAL, "persons", HUB_ADDRESS)
    registry.revoke(JOURNAL, contracts=["persons"])

    with pytest.raises(NotAuthorisedError):
        policy.authorise(JOURNAL, "persons", HUB_ADDRESS)


def _revoke_behind_the_registry(engine: Engine) -> None:
    """A change as another process (the CLI) makes it: no in-process signal."""
    with engine.begin() as connection:
        connection.execute(
            update(Consumer)
            .where(Consumer.consumer_id == JOURNAL)
            .values(active_to=datetime(2020, 1, 2).date())
        )


def test_change_by_another_process_waits_for_the_cache_to_expire(
    sqlite_engine: Engine, registry: Consumers
) -> None:
    cached = Policy(sqlite_engine, HUB, ttl_seconds=3600)
    cached.authorise(JOURNAL, "persons", HUB_ADDRESS)
    _revoke_behind_the_registry(sqlite_engine)

    assert isinstance(cached.authorise(JOURNAL, "persons", HUB_ADDRESS), Grant)


def test_change_by_another_process_is_seen_after_the_cache_expired(
    sqlite_engine: Engine, registry: Consumers
) -> None:
    uncached = Policy(sqlite_engine, HUB, ttl_seconds=0)
    uncached.authorise(JOURNAL, "persons", HUB_ADDRESS)
    _revoke_behind_the_registry(sqlite_engine)

    with pytest.raises(NotAuthorisedError):
        uncached.authorise(JOURNAL, "persons", HUB_ADDRESS)


@pytest.mark.parametrize(
    ("codes", "lan", "kommun", "covered"),
    [
        (["*"], None, None, True),
        (["25"], "25", "2580", True),
        (["25"], None, "2581", True),
        (["25"], "01", "0180", False),
        (["0180"], "01", "0180", True),
        (["0180", "25"], "01", "0181", False),
        (["25"], None, None, False),
    ],
)
def test_grant_covers_only_its_population(
    codes: list[str], lan: str | None, kommun: str | None, covered: bool
) -> None:
    grant = Grant(JOURNAL, "persons", HUB_ADDRESS, 2, False, Scope.of(codes))

    assert grant.covers(person(lan=lan, kommun=kommun)) is covered


def test_registration_for_unmasked_records_reaches_the_grant(policy: Policy) -> None:
    assert policy.authorise(FULL, "persons", HUB_ADDRESS).unmasked is True
