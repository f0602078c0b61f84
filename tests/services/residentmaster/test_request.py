"""The LookupResidentForFullProfile request checks and the filter rules."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from regionnav.errors import RequestError
from services.residentmaster.request import Record, Specification, read_request


def request(ids: list[str] | None = None, **spec: Any) -> Any:
    fields = {
        "Avregistreringsorsak": None,
        "Sekretessmarkering": None,
        "SenasteAndringFolkbokforing": None,
        "historiskTidpunkt": None,
    }
    fields.update(spec)
    return SimpleNamespace(
        personId=["197611042396"] if ids is None else ids,
        lookUpSpecification=SimpleNamespace(**fields),
    )


def record(**values: Any) -> Record:
    base = {
        "protected": False,
        "masked": False,
        "avregistreringskod": None,
        "id_kind": "PNR",
        "folkbokforingsdatum": "20200101",
    }
    base.update(values)
    return Record(**base)


@pytest.mark.parametrize(
    ("ids", "spec", "reason"),
    [
        ([], {}, "no personId"),
        ([" "], {}, "no personId"),
        (["197611042396"] * 1001, {}, "at most 1000"),
        (None, {"Avregistreringsorsak": ["XX"]}, "Avregistreringsorsak"),
        (None, {"Avregistreringsorsak": [" "]}, "Avregistreringsorsak"),
        (None, {"Sekretessmarkering": "Y"}, "J or N"),
        (None, {"SenasteAndringFolkbokforing": "20201301"}, "YYYYMMDD"),
        (None, {"SenasteAndringFolkbokforing": "2020-01-01"}, "YYYYMMDD"),
        (None, {"historiskTidpunkt": "20200101250000"}, "YYYYMMDDhhmmss"),
        (
            None,
            {
                "historiskTidpunkt": "20200101000000",
                "SenasteAndringFolkbokforing": "20200101",
            },
            "cannot be combined",
        ),
    ],
)
def test_read_request_refuses(
    ids: list[str] | None, spec: dict[str, Any], reason: str
) -> None:
    with pytest.raises(RequestError, match=reason):
        read_request(request(ids, **spec))


def test_read_request_without_specification_keeps_everything() -> None:
    lookup = read_request(SimpleNamespace(personId=["x"], lookUpSpecification=None))
    assert lookup.specification == Specification()


def test_read_request_accepts_a_thousand_ids() -> None:
    assert len(read_request(request(["197611042396"] * 1000)).person_ids) == 1000


def test_read_request_keeps_two_blanks_as_a_code() -> None:
    spec = read_request(request(Avregistreringsorsak=["  ", " AV"])).specification
    assert spec.reasons == {"  ", "AV"}


def codes(*values: str) -> Specification:
    return Specification(reasons=frozenset(values))


def deregistered(code: str, id_kind: str = "PNR") -> Record:
    return record(avregistreringskod=code, id_kind=id_kind)


J = Specification(sekretessmarkering="J")
N = Specification(sekretessmarkering="N")
PROTECTED = record(protected=True)
MASKED = record(protected=True, masked=True)


def after(day: str) -> Specification:
    return Specification(changed_after=day)


KEEPS = [
    ("no criteria", Specification(), record(), True),
    ("not deregistered", codes("  "), record(), True),
    (
        "deregistered vs blanks",
        codes("  "),
        deregistered("AV"),
        False,
    ),
    ("OO takes UV", codes("OO"), deregistered("UV"), True),
    ("OO refuses GN", codes("OO"), deregistered("GN"), False),
    ("legacy A is AV", codes("AV"), deregistered("A"), True),
    (
        "legacy G of a samordningsnummer is GS",
        codes("GS"),
        deregistered("G", "SNR"),
        True,
    ),
    ("legacy O is OO", codes("OO"), deregistered("O"), True),
    ("J keeps protected", J, PROTECTED, True),
    ("J drops others", J, record(), False),
    ("N drops protected", N, PROTECTED, False),
    ("later date", after("20191231"), record(), True),
    ("same date", after("20200101"), record(), False),
    ("no date", after("19000101"), record(folkbokforingsdatum=None), False),
    ("unknown date 0", after("19000101"), record(folkbokforingsdatum="0"), False),
    (
        "masked passes J",
        J,
        MASKED,
        True,
    ),
    (
        "masked fails a code whatever its data",
        codes("  "),
        MASKED,
        False,
    ),
    (
        "masked fails a date whatever its data",
        after("19000101"),
        MASKED,
        False,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("specification", "candidate", "kept"),
    [case[1:] for case in KEEPS],
    ids=[case[0] for case in KEEPS],
)
def test_specification_keeps(
    specification: Specification, candidate: Record, kept: bool
) -> None:
    assert specification.keeps(candidate) is kept
