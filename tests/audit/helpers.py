"""Audit entries for the tests (Skatteverket test personnummer only)."""

from __future__ import annotations

from regionnav.audit import AuditEntry

PEOPLE = ("201801012392", "201801022383", "189001019802", "195001182046")


def entry(
    person_id: str = PEOPLE[0],
    result: str = "found",
    consumer_id: str = "SE2321000230-JOUR",
    correlation_id: str = "c0ffee",
) -> AuditEntry:
    return AuditEntry(
        consumer_id=consumer_id,
        contract="persons",
        person_id=person_id,
        result=result,
        logical_address="SE2321000230-RNAV",
        correlation_id=correlation_id,
    )
