"""The project's own GetPersonsForProfile WSDL and XSD against the official ones.

Regionnav's files under ``wsdl/`` and ``xsd/`` are written by the project; the
contract is the official files in ``../shared/contracts``. These tests hold
them together: the WSDLs bind the same names, SOAPAction and header; every
type the project describes exists in the contract with the same name, and
its sequence is the contract's sequence with elements left out (never added,
reordered or loosened); simple types restrict the same way. Together with the
answers being valid against both schemas, this keeps the own description a
faithful subset of the contract.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from zeep import Client, Settings

from services.persons.contract import VERSIONS, Version

from .people import OFFICIAL, assert_valid

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
ROOT = Path(__file__).resolve().parents[3]

Particle = tuple[str, str, str, str, str]


def official_wsdl(version: Version) -> Path:
    folder = OFFICIAL[version] / "interactions" / "GetPersonsForProfileInteraction"
    return folder / f"GetPersonsForProfileInteraction_{version.label}_RIVTABP21.wsdl"


def qname(element: etree._Element, value: str | None) -> str:
    if value is None:
        return ""
    prefix, _, local = value.rpartition(":")
    return f"{{{element.nsmap.get(prefix or None, '')}}}{local}"


def schemas(start: Path) -> dict[str, etree._Element]:
    """Every schema reachable from ``start`` (a WSDL or an XSD), by file path."""
    found: dict[str, etree._Element] = {}
    pending = [start]
    while pending:
        path = pending.pop().resolve()
        if str(path) in found:
            continue
        document = etree.parse(str(path)).getroot()
        found[str(path)] = document
        for link in document.iter(f"{{{XS}}}import", f"{{{XS}}}include"):
            if link.get("schemaLocation"):
                pending.append(path.parent / link.get("schemaLocation", ""))
    return {k: v for k, v in found.items() if v.tag == f"{{{XS}}}schema"}


def definitions(start: Path, kind: str) -> dict[str, etree._Element]:
    """``{namespace}name`` -> the top-level ``kind`` (complexType, ...) found."""
    found = {}
    for schema in schemas(start).values():
        namespace = schema.get("targetNamespace", "")
        for item in schema.iterfind(f"{{{XS}}}{kind}"):
            found[f"{{{namespace}}}{item.get('name')}"] = item
    return found


def particles(complex_type: etree._Element) -> list[Particle]:
    """The sequence as (kind, name or ref, type, minOccurs, maxOccurs)."""
    sequence = complex_type.find(f"{{{XS}}}sequence")
    assert sequence is not None
    result = []
    for item in sequence:
        if not isinstance(item.tag, str):
            continue
        kind = etree.QName(item).localname
        what = (
            item.get("name")
            or qname(item, item.get("ref"))
            or item.get("namespace", "")
        )
        what_type = qname(item, item.get("type")) or item.get("processContents", "")
        low, high = item.get("minOccurs", "1"), item.get("maxOccurs", "1")
        result.append((kind, what, what_type, low, high))
    return result


def restriction(simple_type: etree._Element) -> tuple[str, list[tuple[str, str]]]:
    rule = simple_type.find(f"{{{XS}}}restriction")
    assert rule is not None
    facets = [
        (etree.QName(f).localname, f.get("value", ""))
        for f in rule
        if isinstance(f.tag, str)
    ]
    return qname(rule, rule.get("base")), facets


def is_subsequence(ours: list[Particle], theirs: list[Particle]) -> bool:
    remaining = iter(theirs)
    return all(any(mine == item for item in remaining) for mine in ours)


def wsdl_signature(path: Path) -> dict[str, object]:
    """Names, messages, binding and SOAPAction of a WSDL, prefixes resolved."""
    root = etree.parse(str(path)).getroot()
    messages = {
        m.get("name"): [(p.get("name"), qname(p, p.get("element"))) for p in m]
        for m in root.iterfind(f"{{{WSDL}}}message")
    }
    binding = root.find(f"{{{WSDL}}}binding")
    assert binding is not None
    operations = {
        op.get("name"): (
            [qname(io, io.get("message")) for io in op if isinstance(io.tag, str)]
        )
        for op in root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation")
    }
    bound = binding.find(f"{{{WSDL}}}operation")
    assert bound is not None
    action = bound.find(f"{{{SOAP}}}operation")
    header = bound.find(f"{{{WSDL}}}input/{{{SOAP}}}header")
    body = bound.find(f"{{{WSDL}}}input/{{{SOAP}}}body")
    style = binding.find(f"{{{SOAP}}}binding")
    assert action is not None and header is not None and body is not None
    assert style is not None
    port = root.find(f"{{{WSDL}}}service/{{{WSDL}}}port")
    assert port is not None
    return {
        "name": root.get("name"),
        "targetNamespace": root.get("targetNamespace"),
        "messages": messages,
        "operations": operations,
        "binding": (binding.get("name"), qname(binding, binding.get("type"))),
        "style": (style.get("style"), style.get("transport")),
        "action": (bound.get("name"), action.get("soapAction")),
        "header": (qname(header, header.get("message")), header.get("part")),
        "body": (body.get("use"), body.get("parts")),
        "port": (port.get("name"), qname(port, port.get("binding"))),
    }


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.label)
def test_own_wsdl_binds_what_the_official_one_binds(version: Version) -> None:
    assert wsdl_signature(version.wsdl_file) == wsdl_signature(official_wsdl(version))


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.label)
@pytest.mark.parametrize("kind", ["element", "complexType", "simpleType"])
def test_every_own_definition_exists_in_the_contract(
    version: Version, kind: str
) -> None:
    ours = definitions(version.wsdl_file, kind)
    theirs = definitions(official_wsdl(version), kind)
    assert ours
    assert set(ours) <= set(theirs)


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.label)
def test_own_sequences_are_the_contracts_with_elements_left_out(
    version: Version,
) -> None:
    theirs = definitions(official_wsdl(version), "complexType")
    for name, ours in definitions(version.wsdl_file, "complexType").items():
        mine, official = particles(ours), particles(theirs[name])
        assert is_subsequence(mine, official), name


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.label)
def test_own_simple_types_restrict_as_the_contract_does(version: Version) -> None:
    theirs = definitions(official_wsdl(version), "simpleType")
    for name, ours in definitions(version.wsdl_file, "simpleType").items():
        assert restriction(ours) == restriction(theirs[name]), name


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.label)
def test_top_level_elements_have_the_contracts_types(version: Version) -> None:
    theirs = definitions(official_wsdl(version), "element")
    for name, ours in definitions(version.wsdl_file, "element").items():
        assert qname(ours, ours.get("type")) == qname(
            theirs[name], theirs[name].get("type")
        ), name


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.label)
def test_own_wsdl_loads_in_zeep_strict_mode(version: Version) -> None:
    client = Client(str(version.wsdl_file), settings=Settings(strict=True))
    operation = client.service._binding._operations["GetPersonsForProfile"]
    assert operation.soapaction == version.soap_action


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.label)
def test_own_schema_accepts_a_request_valid_in_the_contract(version: Version) -> None:
    schema = etree.XMLSchema(etree.parse(str(version.responder_xsd_file)))
    request = etree.fromstring(
        f"""<r:GetPersonsForProfile xmlns:r="{version.responder}"
                xmlns:c="{version.core}">
              <r:personId><c:root>1.2.752.129.2.1.3.1</c:root>
                <c:extension>197705082399</c:extension></r:personId>
              <r:personId><c:root>1.2.752.74.9.1</c:root></r:personId>
              <r:profile>P2</r:profile>
              <r:ignoreReferredIdentity>false</r:ignoreReferredIdentity>
            </r:GetPersonsForProfile>"""
    )
    assert_valid(schema, request)
