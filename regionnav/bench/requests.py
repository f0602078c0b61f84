"""Pre-rendered SOAP requests for the lookup benchmark (built once, sent raw)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
REGISTRY = "urn:riv:itintegration:registry:1"
RESIDENT = "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
PERSONS = (
    "urn:riv:strategicresourcemanagement:persons:person:GetPersonsForProfileResponder:5"
)
PERSONS_CORE = "urn:riv:strategicresourcemanagement:persons:person:5"
PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"


@dataclass(frozen=True)
class Operation:
    """One contract operation as the load generator sends it."""

    name: str
    path: str
    soap_action: str


RESIDENTMASTER = Operation(
    "LookupResidentForFullProfile",
    "/population/residentmaster/LookupResidentForFullProfile/1/rivtabp21",
    f"{RESIDENT}:LookupResidentForFullProfile",
)
GET_PERSONS = Operation(
    "GetPersonsForProfile P2",
    "/strategicresourcemanagement/persons/person/GetPersonsForProfile/5/rivtabp21",
    f"{PERSONS}:GetPersonsForProfile",
)


def _envelope(logical_address: str, body: str, namespaces: str) -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP}" xmlns:la="{REGISTRY}" {namespaces}>'
        f"<soap:Header><la:LogicalAddress>{logical_address}</la:LogicalAddress>"
        f"</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>"
    ).encode()


def residentmaster(logical_address: str, person_ids: Sequence[str]) -> bytes:
    ids = "".join(f"<r:personId>{person_id}</r:personId>" for person_id in person_ids)
    body = (
        f"<r:LookupResidentForFullProfile>{ids}<r:lookUpSpecification/>"
        "</r:LookupResidentForFullProfile>"
    )
    return _envelope(logical_address, body, f'xmlns:r="{RESIDENT}"')


def get_persons(logical_address: str, person_ids: Sequence[str], profile: str) -> bytes:
    ids = "".join(
        f"<p:personId><c:root>{PERSONNUMMER_OID}</c:root>"
        f"<c:extension>{person_id}</c:extension></p:personId>"
        for person_id in person_ids
    )
    body = (
        f"<p:GetPersonsForProfile>{ids}<p:profile>{profile}</p:profile>"
        "<p:ignoreReferredIdentity>true</p:ignoreReferredIdentity>"
        "</p:GetPersonsForProfile>"
    )
    return _envelope(
        logical_address, body, f'xmlns:p="{PERSONS}" xmlns:c="{PERSONS_CORE}"'
    )
