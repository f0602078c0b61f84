"""lookUpSpecification end to end: every filter, alone and combined (AND)."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from tests.journeys.lookup.conftest import JOURNAL, PRIVILEGED, residentmaster_at
from tests.journeys.lookup.test_residentmaster import (
    CHILD,
    DECEASED,
    EMIGRATED,
    EVERYONE,
    INCOMPLETE,
    LONG_NAMES,
    MOTHER,
    NEW_NUMBER,
    OLD_NUMBER,
    ORDINARY,
    SAMORDNING,
    SEKRETESS,
    SKYDDAD,
    WIDOWER,
    residents,
)

NOT_DEREGISTERED = {
    ORDINARY,
    CHILD,
    MOTHER,
    WIDOWER,
    NEW_NUMBER,
    SAMORDNING,
    LONG_NAMES,
}
PROTECTED = {SEKRETESS, SKYDDAD}

CASES: list[tuple[str, dict[str, Any], set[str]]] = [
    ("deceased", {"Avregistreringsorsak": ["AV"]}, {DECEASED}),
    ("not deregistered", {"Avregistreringsorsak": ["  "]}, NOT_DEREGISTERED),
    ("other than AV and GN", {"Avregistreringsorsak": ["OO"]}, {EMIGRATED, INCOMPLETE}),
    ("two codes", {"Avregistreringsorsak": ["UV", "GN"]}, {EMIGRATED, OLD_NUMBER}),
    ("complete code OB", {"Avregistreringsorsak": ["OB"]}, {INCOMPLETE}),
    ("protected only", {"Sekretessmarkering": "J"}, PROTECTED),
    ("unprotected only", {"Sekretessmarkering": "N"}, set(EVERYONE) - PROTECTED),
    (
        "registered after a date",
        {"SenasteAndringFolkbokforing": "20231231"},
        {ORDINARY, NEW_NUMBER},
    ),
    ("strictly later", {"SenasteAndringFolkbokforing": "20240101"}, {ORDINARY}),
    (
        "all criteria together",
        {
            "Avregistreringsorsak": ["  ", "UV"],
            "Sekretessmarkering": "N",
            "SenasteAndringFolkbokforing": "20231231",
        },
        {ORDINARY, NEW_NUMBER},
    ),
]


@pytest.fixture(scope="module")
def ask(shared_server: str, schema_11: etree.XMLSchema) -> Any:
    caller = residentmaster_at(shared_server, schema_11)

    def lookup(specification: dict[str, Any], consumer: str = JOURNAL) -> set[str]:
        caller.call(
            "LookupResidentForFullProfile",
            consumer=consumer,
            personId=EVERYONE,
            lookUpSpecification=specification,
        )
        return set(residents(caller.last_payload()))

    return lookup


@pytest.mark.parametrize(
    ("specification", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_lookup_filter_keeps_only_matching_records(
    ask: Any, specification: dict[str, Any], expected: set[str]
) -> None:
    assert ask(specification) == expected


@pytest.mark.parametrize(
    ("day", "kept"),
    [("19881231", True), ("19890101", False), ("19890615", False)],
)
def test_lookup_incomplete_date_counts_as_its_earliest_day(
    ask: Any, day: str, kept: bool
) -> None:
    assert (INCOMPLETE in ask({"SenasteAndringFolkbokforing": day})) is kept


def test_lookup_masked_record_fails_deregistration_criteria(ask: Any) -> None:
    assert not PROTECTED & ask({"Avregistreringsorsak": ["  "]})


def test_lookup_unmasked_record_is_filtered_on_its_data(ask: Any) -> None:
    kept = ask({"Avregistreringsorsak": ["  "]}, PRIVILEGED)
    assert kept == NOT_DEREGISTERED | PROTECTED
