"""Errors become SOAP 1.1 faults in one place: code, text, error id, no leaks."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree

from regionnav.errors import (
    AuditError,
    NotAuthorisedError,
    RegionnavError,
    RequestError,
    StoreError,
    UnsafeXmlError,
)
from services.faults import SOAP_ENV, fault_for

CASES = [
    (RequestError("the LogicalAddress header is missing"), "Client", "LogicalAddress"),
    (NotAuthorisedError("not authorised"), "Client", "not authorised"),
    (
        UnsafeXmlError("document type declarations (DTD) are not accepted"),
        "Client",
        "DTD",
    ),
    (StoreError("connection refused to db at 10.0.0.1"), "Server", "store is not"),
    (AuditError("chain write failed"), "Server", "could not be recorded"),
    (RegionnavError("something internal"), "Server", "internal error"),
    (KeyError("197611042396"), "Server", "internal error"),
]


@pytest.mark.parametrize(("error", "code", "text"), CASES)
def test_fault_for_error_has_code_and_text(
    error: Exception, code: str, text: str
) -> None:
    fault = fault_for(error)
    assert fault.code == code
    assert text in fault.faultstring


@pytest.mark.parametrize("error", [case[0] for case in CASES[3:]])
def test_server_fault_does_not_repeat_the_error_message(error: Exception) -> None:
    assert str(error).strip("'") not in fault_for(error).faultstring


def test_fault_carries_a_fresh_uuid() -> None:
    first, second = fault_for(RequestError("x")), fault_for(RequestError("x"))
    assert first.error_id != second.error_id
    assert uuid.UUID(first.error_id).version == 4
    assert first.faultstring.endswith(f"(error id {first.error_id})")


def test_fault_body_is_a_soap_11_fault() -> None:
    body = etree.fromstring(fault_for(RequestError("bad")).body())
    fault = body.find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    assert fault is not None
    assert [child.tag for child in fault] == ["faultcode", "faultstring"]
    assert fault.findtext("faultcode") == "soap:Client"
    assert body.nsmap["soap"] == SOAP_ENV


def test_unexpected_error_is_logged_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("ERROR", logger="services.faults")
    fault = fault_for(KeyError("197611042396"), "residentmaster")
    assert fault.error_id in caplog.text
    assert "KeyError" in caplog.text
    assert "197611042396" not in caplog.text
