"""Reading the trail: who looked at a person, and the export as JSON lines."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, update

from regionnav.audit import AuditTrail
from regionnav.store.models import AuditRecord
from tests.audit.helpers import PEOPLE, entry

LAST_YEAR = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def trail(store: Engine) -> AuditTrail:
    """Four records; the first two backdated to LAST_YEAR."""
    audit = AuditTrail(store)
    audit.record([entry(PEOPLE[0], consumer_id="SE2321000230-OLD1")])
    audit.record([entry(PEOPLE[1], "masked")])
    audit.record([entry(PEOPLE[0], "unmasked", consumer_id="SE2321000230-FULL")])
    audit.record([entry(PEOPLE[2], "not_found")])
    with store.begin() as connection:
        connection.execute(
            update(AuditRecord).where(AuditRecord.seq <= 2).values(at=LAST_YEAR)
        )
    return audit


def test_person_query_lists_every_access_oldest_first(trail: AuditTrail) -> None:
    accesses = trail.person(PEOPLE[0])

    assert [(a.consumer_id, a.result) for a in accesses] == [
        ("SE2321000230-OLD1", "found"),
        ("SE2321000230-FULL", "unmasked"),
    ]


def test_person_query_keeps_to_the_period(trail: AuditTrail) -> None:
    since = LAST_YEAR + timedelta(days=1)

    assert [a.seq for a in trail.person(PEOPLE[0], since=since)] == [3]
    assert [a.seq for a in trail.person(PEOPLE[0], until=since)] == [1]


def test_person_query_for_someone_never_looked_up_is_empty(trail: AuditTrail) -> None:
    assert trail.person(PEOPLE[3]) == []


def test_export_writes_one_json_object_per_record(trail: AuditTrail) -> None:
    out = io.StringIO()

    count = trail.export(out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(lines) == 4
    assert lines[1] == {
        "seq": 2,
        "at": "2025-06-01T12:00:00.000000Z",
        "consumer_id": "SE2321000230-JOUR",
        "contract": "persons",
        "person_id": PEOPLE[1],
        "result": "masked",
        "logical_address": "SE2321000230-RNAV",
        "correlation_id": "c0ffee",
        "digest": lines[1]["digest"],
    }


def test_export_keeps_to_the_period(trail: AuditTrail) -> None:
    out = io.StringIO()

    trail.export(out, since=LAST_YEAR + timedelta(days=1))

    assert [json.loads(line)["seq"] for line in out.getvalue().splitlines()] == [3, 4]
