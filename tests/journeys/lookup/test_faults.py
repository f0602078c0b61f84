"""Every refusal is a SOAP 1.1 fault: HTTP 500, soap:Client or soap:Server,
an error id, and no personal data. Requests are sent raw, as a careless or
hostile caller would."""

from __future__ import annotations

import re

import pytest
import requests
from lxml import etree

from tests.journeys.lookup.conftest import (
    HUB_ADDRESS,
    JOURNAL,
    PERSONS_ONLY,
    PING_PATH,
    RM_PATH,
    SOAP_ENV,
)

ACTION = (
    '"urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1:'
    'LookupResidentForFullProfile"'
)
RESPONDER = "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
PERSON = "197611042396"
ERROR_ID = re.compile(
    r"error id [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def envelope(
    ids: list[str] | None = None,
    address: str | None = HUB_ADDRESS,
    specification: str = "",
) -> bytes:
    header = (
        f'<soap:Header><LogicalAddress xmlns="urn:riv:itintegration:registry:1">'
        f"{address}</LogicalAddress></soap:Header>"
        if address is not None
        else ""
    )
    people = "".join(f"<r:personId>{pid}</r:personId>" for pid in ids or [PERSON])
    return (
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}" xmlns:r="{RESPONDER}">{header}'
        f"<soap:Body><r:LookupResidentForFullProfile>{people}"
        f"<r:lookUpSpecification>{specification}</r:lookUpSpecification>"
        f"</r:LookupResidentForFullProfile></soap:Body></soap:Envelope>"
    ).encode()


def post(
    server: str,
    body: bytes,
    action: str = ACTION,
    consumer: str | None = JOURNAL,
    path: str = RM_PATH,
) -> requests.Response:
    headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action}
    if consumer is not None:
        headers["X-Test-Consumer"] = consumer
    return requests.post(server + path, data=body, headers=headers, timeout=30)


def fault_of(response: requests.Response) -> tuple[str, str]:
    assert response.status_code == 500
    assert response.headers["Content-Type"].startswith("text/xml")
    fault = etree.fromstring(response.content).find(
        f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault"
    )
    assert fault is not None
    text = fault.findtext("faultstring") or ""
    assert ERROR_ID.search(text)
    assert PERSON not in response.text
    return fault.findtext("faultcode") or "", text


ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE soap:Envelope [<!ENTITY x "197611042396">]>'
    + envelope().replace(PERSON.encode(), b"&x;")
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + envelope().replace(PERSON.encode(), b"&x;")
)
CLIENT_CASES = {
    "missing LogicalAddress": (envelope(address=None), ACTION, "LogicalAddress"),
    "unknown LogicalAddress": (
        envelope(address="SE0000000000-NONE"),
        ACTION,
        "logical",
    ),
    "malformed XML": (envelope()[:-20], ACTION, "well-formed"),
    "internal entity (DTD)": (ENTITY, ACTION, "DTD"),
    "external entity (DTD)": (EXTERNAL, ACTION, "DTD"),
    "oversized body": (b" " * 2_000_001, ACTION, "exceeds"),
    "wrong SOAPAction": (envelope(), '"urn:something:else"', "SOAPAction"),
    "missing SOAPAction": (envelope(), "", "SOAPAction"),
    "too many ids": (envelope([PERSON] * 1001), ACTION, "at most 1000"),
    "not an envelope": (b"<LookupResidentForFullProfile/>", ACTION, "Envelope"),
    "historic moment with date filter": (
        envelope(
            specification="<r:SenasteAndringFolkbokforing>20200101</r:SenasteAndring"
            "Folkbokforing><r:historiskTidpunkt>20200101000000</r:historiskTidpunkt>"
        ),
        ACTION,
        "cannot be combined",
    ),
    "malformed filter value": (
        envelope(specification="<r:Sekretessmarkering>X</r:Sekretessmarkering>"),
        ACTION,
        "J or N",
    ),
}


@pytest.mark.parametrize(
    ("body", "action", "reason"), CLIENT_CASES.values(), ids=list(CLIENT_CASES)
)
def test_bad_request_gets_client_fault(
    server: str, body: bytes, action: str, reason: str
) -> None:
    code, text = fault_of(post(server, body, action))
    assert code == "soap:Client"
    assert reason in text


def test_oversized_chunked_body_gets_client_fault(server: str) -> None:
    chunks = (b" " * 100_000 for _ in range(21))
    code, text = fault_of(post(server, chunks))  # type: ignore[arg-type]
    assert code == "soap:Client"
    assert "exceeds" in text


@pytest.mark.parametrize("consumer", [PERSONS_ONLY, None, "SE0000000000-UNKNOWN"])
def test_consumer_without_the_right_gets_client_fault(
    server: str, consumer: str | None
) -> None:
    code, text = fault_of(post(server, envelope(), consumer=consumer))
    assert code == "soap:Client"
    assert "not authorised" in text


def test_request_for_another_contract_at_this_path_gets_client_fault(
    server: str,
) -> None:
    code, text = fault_of(post(server, envelope(), path=PING_PATH))
    assert code == "soap:Client"
    assert "PingForConfiguration" in text


def test_fault_error_id_is_in_the_log(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="services")
    _, text = fault_of(post(server, envelope(address=None)))
    error_id = text.rsplit("error id ", 1)[1].rstrip(")")
    assert error_id in caplog.text
    assert PERSON not in caplog.text


def test_served_request_logs_one_line_without_personal_data(
    server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="services")
    assert post(server, envelope()).status_code == 200
    served = [r for r in caplog.records if "served" in r.getMessage()]
    assert len(served) == 1
    assert "found=1" in served[0].getMessage()
    assert PERSON not in caplog.text


def test_platform_correlation_id_is_kept_and_returned(server: str) -> None:
    headers = {
        "SOAPAction": ACTION,
        "X-Test-Consumer": JOURNAL,
        "x-skltp-correlation-id": "vp-0123456789abcdef",
    }
    response = requests.post(
        server + RM_PATH, data=envelope(), headers=headers, timeout=30
    )
    assert response.headers["X-Skltp-Correlation-Id"] == "vp-0123456789abcdef"


def test_get_wsdl_serves_own_wsdl_at_this_address(server: str) -> None:
    response = requests.get(server + RM_PATH + "?wsdl", timeout=30)
    wsdl = etree.fromstring(response.content)
    address = wsdl.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert response.status_code == 200
    assert address is not None and address.get("location") == server + RM_PATH


def test_get_xsd_serves_imported_schema(server: str) -> None:
    response = requests.get(
        server + RM_PATH + "?xsd=population_residentmaster_1.1_ext.xsd", timeout=30
    )
    schema = etree.fromstring(response.content)
    assert schema.get("targetNamespace") == "urn:riv:population:residentmaster:1.1"


def test_get_unknown_xsd_is_not_found(server: str) -> None:
    response = requests.get(server + RM_PATH + "?xsd=../../etc/passwd", timeout=30)
    assert response.status_code == 404
