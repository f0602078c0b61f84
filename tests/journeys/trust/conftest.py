"""A whole hub for the trust journeys: PKI, store, mTLS server, zeep consumers.

Everything is real: the local CA from ``certs``, the mirror filled by the
importer from ``tests/services/residentmaster/data/delivery-2024.xml``
(Skatteverket's test personnummer only), consumers registered through the
``regionnav consumers`` command, the services behind ``build_server`` on
127.0.0.1, and consumers calling with zeep clients built from the OFFICIAL
residentmaster 1.1 WSDL over mutual TLS.
"""

from __future__ import annotations

import logging
import shlex
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import zeep
from typer.testing import CliRunner, Result

from certs.ca import CertificateAuthority, create_ca
from certs.issue import CertificateKind, CertificateRequest, IssuedFiles, issue
from certs.revocation import write_crl
from regionnav import config as config_module
from regionnav.cli import app
from regionnav.mirror import import_delivery
from regionnav.store.engine import open_engine
from regionnav.transport import build_server
from services.app import build_app

ROOT = Path(__file__).resolve().parents[3]
DELIVERY = ROOT / "tests" / "services" / "residentmaster" / "data" / "delivery-2024.xml"
WSDL = (
    ROOT.parent
    / "shared/contracts/population.residentmaster.1.1/interactions"
    / "LookupResidentForFullProfileInteraction"
    / "LookupResidentForFullProfileInteraction_1.1_RIVTABP21.wsdl"
)
BINDING = (
    "{urn:riv:population:residentmaster:LookupResidentForFullProfile:1:rivtabp21}"
    "LookupResidentForFullProfileResponderBinding"
)
PATH = "/population/residentmaster/LookupResidentForFullProfile/1/rivtabp21"
HUB = "SE2321000230-RNAV"
JOURNAL = "SE2321000230-JOUR"
STRANGER = "SE2321000230-NONE"  # a valid certificate, never registered
PLATFORM = "SE2321000230-PLAT"


@dataclass
class Hub:
    config: Path
    ca: CertificateAuthority
    certificates: dict[str, IssuedFiles]
    url: str

    def regionnav(self, command: str) -> Result:
        """Run a ``regionnav`` command against this hub's configuration."""
        arguments = ["--config", str(self.config), *shlex.split(command)]
        # The command sets up logging to its (captured, soon closed) stderr;
        # the server threads of this test keep logging after it returns.
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level
        try:
            return CliRunner().invoke(app, arguments)
        finally:
            root.handlers[:], root.level = handlers, level

    def lookup(
        self, who: str, person_ids: list[str], headers: dict[str, str] | None = None
    ) -> Any:
        """Call LookupResidentForFullProfile as the holder of ``who``'s certificate."""
        session = requests.Session()
        session.trust_env = False
        session.verify = str(self.ca.cert_path)
        files = self.certificates[who]
        session.cert = (str(files.certificate), str(files.key))
        session.headers.update(headers or {})
        settings = zeep.Settings(forbid_dtd=True, forbid_entities=True)
        client = zeep.Client(
            str(WSDL), transport=zeep.Transport(session=session), settings=settings
        )
        service = client.create_service(BINDING, self.url + PATH)
        return service.LookupResidentForFullProfile(
            personId=person_ids,
            lookUpSpecification={},
            _soapheaders={"LogicalAddress": HUB},
        )


def _write_config(
    directory: Path, ca: CertificateAuthority, server: IssuedFiles
) -> Path:
    path = directory / "regionnav.toml"
    path.write_text(
        f"""
[store]
data_dir = "{directory}"

[hub]
hsa_id = "{HUB}"

[server]
host = "127.0.0.1"
port = 0
threads = 4
certfile = "{server.certificate}"
keyfile = "{server.key}"
client_ca = "{ca.cert_path}"
crl = "{ca.crl_path}"
platform_certificates = ["{PLATFORM}"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    ca = create_ca(tmp_path / "ca", name="Journey CA")
    write_crl(ca)
    issued = tmp_path / "issued"
    server_request = CertificateRequest(
        CertificateKind.SERVER, "localhost", ip_addresses=("127.0.0.1",)
    )
    certificates = {"server": issue(ca, server_request, issued, name="server")}
    for hsa_id in (JOURNAL, STRANGER, PLATFORM):
        request = CertificateRequest(
            CertificateKind.CLIENT, hsa_id, hsa_id=hsa_id, organisation="Test"
        )
        certificates[hsa_id] = issue(ca, request, issued, name=hsa_id)

    config_path = _write_config(tmp_path, ca, certificates["server"])
    hub = Hub(config_path, ca, certificates, url="")
    assert hub.regionnav("init").exit_code == 0
    config = config_module.load(config_path)
    engine = open_engine(config.store.database_url)
    import_delivery(engine, DELIVERY)

    server = build_server(config, build_app(config, engine))
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    hub.url = f"https://127.0.0.1:{server.bind_addr[1]}"
    try:
        yield hub
    finally:
        server.stop()
        thread.join(10)
        engine.dispose()
