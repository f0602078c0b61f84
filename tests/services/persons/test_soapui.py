"""Inera's SoapUI projects replayed against the running server, byte for byte.

Every request envelope in the official SoapUI projects (``samples/soapui``)
is posted as it is; only the endpoint is ours. What "answered correctly"
means here:

- a request in the version's own namespaces gets HTTP 200 and a payload
  valid against the official Responder XSD, with one
  ``requestedPersonRecord`` per ``personId``, echoing it; the ids that the
  test mirror holds (the samples' ids that are in Skatteverket's test list)
  get a ``personRecord`` agreeing with Inera's mock answer on identity,
  gender, protection and deregistration, the others none (not found);
- the project's blank template (``?`` everywhere) and the steps that carry a
  version 4 request (namespace ``...:4``, a version never published) get a
  ``soap:Client`` fault with HTTP 500: there is no v4 contract to answer.

The requests carry ``?`` as LogicalAddress; the test hub answers for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from lxml import etree

from services.persons.contract import V3, V5, Version

from .conftest import JOURNAL, SOAP_ENV
from .people import OFFICIAL, SAMPLE_CHILD, SAMPLE_DECEASED, assert_valid

CON = "http://eviware.com/soapui/config"
LOADED = frozenset({SAMPLE_DECEASED, SAMPLE_CHILD})
# Fields where the test mirror's posts agree with Inera's mock answers.
AGREED = [
    "c:personalIdentity/c:root",
    "c:personalIdentity/c:extension",
    "c:gender",
    "c:protectedPersonIndicator",
    "c:deregistration/c:deregistrationReasonCode",
    "c:deregistration/c:deregistrationDate/c:value",
]


def project(version: Version) -> Path:
    name = f"GetPersonsForProfileResponder-{version.label}.xml"
    return OFFICIAL[version] / "samples" / "soapui" / name


def envelopes(version: Version) -> Iterator[tuple[str, str]]:
    """(name of the SoapUI request, its envelope text) in project order."""
    root = etree.parse(str(project(version))).getroot()
    for element in root.iter(f"{{{CON}}}request"):
        text = element.text or ""
        if text.lstrip().startswith("<soapenv:Envelope"):
            owner = element.getparent()
            name = owner.get("name", "") if owner is not None else ""
            yield name, text


def mock_answers(version: Version) -> dict[str, etree._Element]:
    """Inera's mock responses by name ("<extension> Response")."""
    root = etree.parse(str(project(version))).getroot()
    found = {}
    for response in root.iter(f"{{{CON}}}response"):
        content = response.find(f"{{{CON}}}responseContent")
        if content is not None and content.text:
            found[response.get("name", "")] = etree.fromstring(content.text.encode())
    return found


CASES = [
    pytest.param(version, name, text, id=f"{version.label}-{name}")
    for version in (V5, V3)
    for name, text in envelopes(version)
]


def test_the_projects_hold_requests_to_replay() -> None:
    assert len([c for c in CASES if c.values[0] is V5]) == 5
    assert len([c for c in CASES if c.values[0] is V3]) == 3


@pytest.mark.parametrize(("version", "name", "text"), CASES)
def test_soapui_request_is_answered_correctly(
    server: str,
    schemas: dict[Version, etree.XMLSchema],
    version: Version,
    name: str,
    text: str,
) -> None:
    sent = etree.fromstring(text.encode())
    body = sent.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None
    request = next(child for child in body if isinstance(child.tag, str))
    own_version = request.tag == f"{{{version.responder}}}GetPersonsForProfile"
    template = "?" in request.xpath("string(.//*[local-name()='profile'])")

    reply = requests.post(
        server + version.path,
        data=text.encode(),
        headers={
            "Content-Type": "text/xml; charset=UTF-8",
            "SOAPAction": f'"{version.soap_action}"',
            "X-Test-Consumer": JOURNAL,
        },
        timeout=10,
    )
    answer = etree.fromstring(reply.content)
    payload = answer.find(f"{{{SOAP_ENV}}}Body")[0]

    if template or not own_version:
        assert reply.status_code == 500
        assert payload.tag == f"{{{SOAP_ENV}}}Fault"
        assert payload.findtext("faultcode") == "soap:Client"
        return

    assert reply.status_code == 200
    assert_valid(schemas[version], payload)
    _check_records(version, request, payload)


def _check_records(
    version: Version, request: etree._Element, payload: etree._Element
) -> None:
    ns = {"r": version.responder, "c": version.core}
    asked = request.xpath("r:personId", namespaces=ns)
    answered = payload.xpath("r:requestedPersonRecord", namespaces=ns)
    assert len(answered) == len(asked)
    mocks = mock_answers(version)
    for person_id, item in zip(asked, answered, strict=True):
        extension = person_id.findtext(f"{{{version.core}}}extension")
        echoed = item.findtext("c:requestedPersonalIdentity/c:extension", namespaces=ns)
        assert echoed == extension
        record = item.find("c:personRecord", ns)
        assert (record is not None) == (extension in LOADED)
        if record is None:
            continue
        mock = mocks[f"{extension} Response"].xpath(
            f"//c:personRecord[c:personalIdentity/c:extension='{extension}']",
            namespaces=ns,
        )[0]
        for path in AGREED:
            assert record.xpath(f"{path}/text()", namespaces=ns) == mock.xpath(
                f"{path}/text()", namespaces=ns
            ), path
