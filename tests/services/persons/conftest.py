"""Fixtures for GetPersonsForProfile: official schemas, a filled hub, a server.

The mirror is filled by the real importer from a delivery written with the
real Navet writer out of the posts in ``posts/``. The server is cheroot on
127.0.0.1 at a free port; the clients are zeep clients built from the
OFFICIAL 5.0 and 3.1 WSDLs, and every payload they receive is validated
against the OFFICIAL Responder XSD.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import zeep
from cheroot import wsgi
from lxml import etree
from sqlalchemy import Engine
from zeep.plugins import HistoryPlugin

from adapters.navet.writer import write_delivery
from regionnav.config import Config, HubConfig
from regionnav.consumers import Consumers, Registration, Scope
from regionnav.mirror import import_delivery
from services.app import build_app
from services.persons import CONTRACTS
from services.persons.contract import V3, V5, Version

from .people import OFFICIAL, POST_FILES, POSTS, official_schema

HUB_ADDRESS = "SE2321000230-RNAV"
# SoapUI's requests carry "?" as LogicalAddress; the test hub answers for it
# so that they can be posted untouched.
SOAPUI_ADDRESS = "?"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CONSUMER_HEADER = "HTTP_X_TEST_CONSUMER"

JOURNAL = "SE2321000230-PJOU"  # everyone, profile 5, no unmasked right
PRIVILEGED = "SE2321000230-PPRV"  # everyone, profile 5, unmasked right
LOW = "SE2321000230-PLOW"  # profile 2 at most
PITEA = "SE2321000230-PPIT"  # residents of Piteå (2584) only
PING_ONLY = "SE2321000230-PNON"  # may not call persons

REGISTRATIONS = (
    Registration(JOURNAL, max_profile=5, rights=frozenset({("persons", "*")})),
    Registration(
        PRIVILEGED,
        max_profile=5,
        rights=frozenset({("persons", "*")}),
        unmasked=True,
        legal_basis="test: unmasked right",
    ),
    Registration(LOW, max_profile=2, rights=frozenset({("persons", "*")})),
    Registration(
        PITEA,
        max_profile=5,
        scope=Scope.of(["2584"]),
        rights=frozenset({("persons", "*")}),
    ),
    Registration(PING_ONLY, max_profile=1, rights=frozenset({("ping", "*")})),
)


@pytest.fixture(scope="session")
def schemas() -> dict[Version, etree.XMLSchema]:
    return {version: official_schema(version) for version in (V5, V3)}


@pytest.fixture
def hub(engine: Engine, tmp_path: Path) -> Engine:
    """The store with every post of ``posts/`` imported and the consumers."""
    delivery = tmp_path / "delivery.xml"
    posts = [(POSTS / name).read_bytes() for name in sorted(POST_FILES.values())]
    write_delivery(delivery, [etree.fromstring(post) for post in posts])
    import_delivery(engine, delivery)
    consumers = Consumers(engine)
    for registration in REGISTRATIONS:
        consumers.add(registration)
    return engine


class TestConsumerIdentity:
    """TEST SCAFFOLDING, not part of Regionnav: stands in for the mTLS transport.

    The real transport sets ``regionnav.consumer_id`` from the verified client
    certificate; over plain HTTP in these tests the caller names itself in the
    ``X-Test-Consumer`` header.
    """

    __test__ = False

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ["regionnav.consumer_id"] = environ.get(CONSUMER_HEADER)
        return self.app(environ, start_response)


@pytest.fixture
def server(hub: Engine) -> Iterator[str]:
    """Regionnav's persons endpoints on 127.0.0.1 (plain HTTP); the base URL."""
    config = Config(
        hub=HubConfig(hsa_id=HUB_ADDRESS, lan="25", logical_addresses=(SOAPUI_ADDRESS,))
    )
    app = TestConsumerIdentity(build_app(config, hub, served=CONTRACTS))
    httpd = wsgi.Server(("127.0.0.1", 0), app, numthreads=4)
    httpd.prepare()
    thread = threading.Thread(target=httpd.serve, daemon=True)
    thread.start()
    host, port = httpd.bind_addr[:2]
    yield f"http://{host}:{port}"
    httpd.stop()
    thread.join(timeout=5)


@dataclass
class Caller:
    """A zeep client from an official WSDL, pointed at the running server."""

    version: Version
    client: zeep.Client
    history: HistoryPlugin
    service: Any
    schema: etree.XMLSchema

    def get(
        self,
        *ids: str | tuple[str, str | None],
        profile: str = "P2",
        ignore_referred: bool = True,
        consumer: str = JOURNAL,
        address: str | None = HUB_ADDRESS,
    ) -> etree._Element:
        """Call GetPersonsForProfile; the validated response payload.

        An id is a personnummer (sent under the personnummer OID) or a
        ``(root, extension)`` pair.
        """
        self.client.transport.session.headers["X-Test-Consumer"] = consumer
        identity = self.client.get_type(f"{{{self.version.core}}}IIType")
        person_ids = [
            identity(root="1.2.752.129.2.1.3.1", extension=item)
            if isinstance(item, str)
            else identity(root=item[0], extension=item[1])
            for item in ids
        ]
        headers = {"LogicalAddress": address} if address is not None else {}
        self.service.GetPersonsForProfile(
            personId=person_ids,
            profile=profile,
            ignoreReferredIdentity=ignore_referred,
            _soapheaders=headers,
        )
        envelope = self.history.last_received["envelope"]
        payload: etree._Element = envelope.find(f"{{{SOAP_ENV}}}Body")[0]
        self.schema.assertValid(payload)
        return payload


def wsdl_of(version: Version) -> Path:
    folder = OFFICIAL[version] / "interactions" / "GetPersonsForProfileInteraction"
    return folder / f"GetPersonsForProfileInteraction_{version.label}_RIVTABP21.wsdl"


@pytest.fixture(params=[V5, V3], ids=["5.0", "3.1"])
def persons(
    request: pytest.FixtureRequest,
    server: str,
    schemas: dict[Version, etree.XMLSchema],
) -> Iterator[Caller]:
    """A zeep client of either version (each test runs once per version)."""
    version: Version = request.param
    history = HistoryPlugin()
    client = zeep.Client(str(wsdl_of(version)), plugins=[history])
    binding = f"{{{version.wsdl_namespace}}}GetPersonsForProfileResponderBinding"
    service = client.create_service(binding, server + version.path)
    yield Caller(version, client, history, service, schemas[version])
    # Closing the kept-alive connection lets the server stop at once.
    client.transport.session.close()
