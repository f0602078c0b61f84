"""The project's own WSDL and XSD files describe what the official ones do.

Both are loaded in zeep; every element and named type of the contract's
namespaces must have the same signature in both, and the operation (SOAPAction,
header, input and output) must be the same. The official residentmaster
package's registry schema has extra types the contract never uses
(``ServiceContract*``); only those may be missing from ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import zeep

from services.contractfiles import WSDL_DIR, ContractFiles

SHARED = Path(__file__).resolve().parents[3] / "shared" / "contracts"
PAIRS = {
    "residentmaster 1.1": (
        "LookupResidentForFullProfileInteraction_1.1_RIVTABP21.wsdl",
        SHARED
        / "population.residentmaster.1.1/interactions"
        / "LookupResidentForFullProfileInteraction"
        / "LookupResidentForFullProfileInteraction_1.1_RIVTABP21.wsdl",
    ),
    "ping 1.0": (
        "PingForConfigurationInteraction_1.0_RIVTABP21.wsdl",
        SHARED
        / "itintegration.monitoring.1/interactions/PingForConfigurationInteraction"
        / "PingForConfigurationInteraction_1.0_RIVTABP21.wsdl",
    ),
}
UNUSED_OFFICIAL = {"ServiceContract", "ServiceContractType"}


def described(wsdl: Path) -> tuple[dict[str, str], dict[str, tuple[str, str, str]]]:
    client = zeep.Client(str(wsdl))
    types = client.wsdl.types
    shapes = {e.qname.text: e.signature(schema=types) for e in types.elements}
    shapes.update(
        {
            f"type {t.qname.text}": t.signature(schema=types)
            for t in types.types
            if t.qname
        }
    )
    operations = {
        name: (op.soapaction, op.input.signature(), op.output.signature())
        for binding in client.wsdl.bindings.values()
        for name, op in binding._operations.items()
    }
    return shapes, operations


@pytest.mark.parametrize(("ours", "official"), PAIRS.values(), ids=list(PAIRS))
def test_own_wsdl_describes_the_official_operation(ours: str, official: Path) -> None:
    assert described(WSDL_DIR / ours)[1] == described(official)[1]


@pytest.mark.parametrize(("ours", "official"), PAIRS.values(), ids=list(PAIRS))
def test_own_schemas_describe_the_official_elements(ours: str, official: Path) -> None:
    own, theirs = described(WSDL_DIR / ours)[0], described(official)[0]
    missing = {key for key in theirs if key not in own}
    assert {key.rsplit("}", 1)[1] for key in missing} <= UNUSED_OFFICIAL
    assert {key: theirs[key] for key in own} == own


@pytest.mark.parametrize(("ours", "_official"), PAIRS.values(), ids=list(PAIRS))
def test_served_wsdl_points_at_the_endpoint_and_its_schemas(
    ours: str, _official: Path
) -> None:
    files = ContractFiles(ours)
    wsdl = files.wsdl("https://hub.example:8443/x/1/rivtabp21").decode()
    assert 'location="https://hub.example:8443/x/1/rivtabp21"' in wsdl
    assert "../xsd/" not in wsdl
    for name in files.schema_names:
        schema = files.xsd(name) or b""
        assert schema.count(b"schemaLocation=") == schema.count(
            b'schemaLocation="?xsd='
        )


def test_unknown_schema_is_not_served() -> None:
    files = ContractFiles("PingForConfigurationInteraction_1.0_RIVTABP21.wsdl")
    assert files.xsd("population_residentmaster_1.1.xsd") is None
