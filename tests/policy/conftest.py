"""A registry with the consumers of ``helpers.REGISTRATIONS`` and a policy over it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from regionnav.audit import AuditTrail
from regionnav.consumers import Consumers
from regionnav.policy import Policy
from tests.policy.helpers import HUB, REGISTRATIONS


@pytest.fixture
def registry(sqlite_engine: Engine) -> Consumers:
    consumers = Consumers(sqlite_engine)
    for registration in REGISTRATIONS:
        consumers.add(registration)
    return consumers


@pytest.fixture
def trail(sqlite_engine: Engine) -> AuditTrail:
    return AuditTrail(sqlite_engine)


@pytest.fixture
def policy(sqlite_engine: Engine, registry: Consumers, trail: AuditTrail) -> Policy:
    return Policy(sqlite_engine, HUB, audit=trail)
