"""A consumer's view of Regionnav: zeep clients from the official WSDLs.

Used by ``regionnav lookup`` to call a running hub the way a journal system
would. The client is built from the OFFICIAL contract WSDL (the RIV-TA release
files, by default from ``../shared/contracts`` beside the repository), never
from Regionnav's own description, so that a call proves the hub answers what
the contract promises. zeep runs with its safe XML settings (no DTD, no
entities, no network for schemas other than the files given).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin

from regionnav.errors import ConfigError, RequestError
from services.residentmaster.codes import id_kind_of

# zeep's transport logs whole requests and answers at DEBUG, names and
# addresses included; personal data must not reach a log at any level.
logging.getLogger("zeep").setLevel(logging.WARNING)

OFFICIAL = Path(__file__).resolve().parents[2] / "shared" / "contracts"
OWN = Path(__file__).resolve().parents[1] / "wsdl"
PNR_OID = "1.2.752.129.2.1.3.1"
SNR_OID = "1.2.752.129.2.1.3.3"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"


@dataclass(frozen=True)
class Target:
    """One contract as a consumer calls it."""

    wsdl: str  # relative to the official contracts folder
    binding: str
    path: str
    operation: str


TARGETS = {
    "residentmaster": Target(
        "population.residentmaster.1.1/interactions/LookupResidentForFullProfileInteraction/"
        "LookupResidentForFullProfileInteraction_1.1_RIVTABP21.wsdl",
        "{urn:riv:population:residentmaster:LookupResidentForFullProfile:1:rivtabp21}"
        "LookupResidentForFullProfileResponderBinding",
        "/population/residentmaster/LookupResidentForFullProfile/1/rivtabp21",
        "LookupResidentForFullProfile",
    ),
    "persons": Target(
        "strategicresourcemanagement.persons.person.5.0/interactions/"
        "GetPersonsForProfileInteraction/GetPersonsForProfileInteraction_5.0_RIVTABP21.wsdl",
        "{urn:riv:strategicresourcemanagement:persons:person:GetPersonsForProfile:5:"
        "rivtabp21}GetPersonsForProfileResponderBinding",
        "/strategicresourcemanagement/persons/person/GetPersonsForProfile/5/rivtabp21",
        "GetPersonsForProfile",
    ),
}


@dataclass(frozen=True)
class Credentials:
    """The client certificate and the CA the server is checked against."""

    certificate: Path | None = None
    key: Path | None = None
    ca: Path | None = None


def connect(
    contract: str,
    base_url: str,
    credentials: Credentials,
    contracts_dir: Path = OFFICIAL,
) -> tuple[Any, HistoryPlugin]:
    """A zeep service proxy for ``contract`` at ``base_url``, and its history.

    Raises :class:`ConfigError` when the official WSDL is not found or the
    contract is unknown.
    """
    target = TARGETS.get(contract)
    if target is None:
        known = ", ".join(sorted(TARGETS))
        raise ConfigError("--contract", f"unknown contract (one of {known})", "option")
    wsdl = contracts_dir / target.wsdl
    if not wsdl.exists() and contracts_dir == OFFICIAL:
        # Without the official files beside the repository, Regionnav's own
        # description of the same wire format (wsdl/, checked against the
        # official one by the tests) serves the client as well.
        wsdl = OWN / Path(target.wsdl).name
    if not wsdl.exists():
        raise ConfigError(str(wsdl), "not found (see --contracts)", "WSDL")

    session = requests.Session()
    if credentials.certificate is not None and credentials.key is not None:
        session.cert = (str(credentials.certificate), str(credentials.key))
    if credentials.ca is not None:
        session.verify = str(credentials.ca)
        # requests lets REQUESTS_CA_BUNDLE override a session's own CA.
        session.trust_env = False
    history = HistoryPlugin()  # type: ignore[no-untyped-call]
    settings = zeep.Settings(
        forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    transport = zeep.Transport(  # type: ignore[no-untyped-call]
        session=session, timeout=30, operation_timeout=60
    )
    client = zeep.Client(  # type: ignore[no-untyped-call]
        str(wsdl),
        transport=transport,
        settings=settings,
        plugins=[history],
    )
    address = base_url.rstrip("/") + target.path
    service = client.create_service(target.binding, address)  # type: ignore[no-untyped-call]
    return service, history


def call(
    contract: str,
    service: Any,
    history: HistoryPlugin,
    *,
    person_ids: list[str],
    logical_address: str,
    profile: str = "P2",
) -> etree._Element:
    """Call the contract for ``person_ids``; returns the response payload element.

    Raises zeep's ``Fault`` for a SOAP fault and :class:`RequestError` for an
    answer without a payload.
    """
    headers = {"LogicalAddress": logical_address}
    if contract == "residentmaster":
        service.LookupResidentForFullProfile(
            personId=person_ids, lookUpSpecification={}, _soapheaders=headers
        )
    else:
        identities = [
            {"root": SNR_OID if id_kind_of(pid) == "SNR" else PNR_OID, "extension": pid}
            for pid in person_ids
        ]
        service.GetPersonsForProfile(
            personId=identities,
            profile=profile,
            ignoreReferredIdentity=False,
            _soapheaders=headers,
        )
    received = history.last_received
    body = received["envelope"].find(f"{{{SOAP_ENV}}}Body") if received else None
    if body is None or len(body) == 0:
        raise RequestError("the answer has no payload")
    payload: etree._Element = body[0]
    return payload


def readable(payload: etree._Element) -> list[str]:
    """The payload as indented ``name: value`` lines, namespaces left out."""
    lines: list[str] = []
    for child in payload:
        _walk(child, 0, lines)
    return lines


def _walk(element: etree._Element, depth: int, lines: list[str]) -> None:
    if not isinstance(element.tag, str):
        return
    name = etree.QName(element).localname
    text = (element.text or "").strip()
    if len(element) == 0:
        lines.append(f"{'  ' * depth}{name}: {text}")
        return
    lines.append(f"{'  ' * depth}{name}:")
    for child in element:
        _walk(child, depth + 1, lines)
