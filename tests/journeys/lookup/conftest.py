"""A running Regionnav for the lookup journeys: store, consumers, server, clients.

The mirror is filled by the real importer from the deliveries under
``tests/services/residentmaster/data`` (Skatteverket's test personnummer only).
The server is cheroot on 127.0.0.1 at a free port, in a thread; the clients are
zeep clients built from the OFFICIAL WSDLs in ``../shared/contracts``, and every
response payload they receive is validated against the OFFICIAL Responder XSD.
"""

from __future__ import annotations

import contextlib
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

from regionnav.config import Config, HubConfig
from regionnav.consumers import Consumers, Registration, Scope
from regionnav.mirror import import_delivery
from regionnav.store.engine import open_engine
from regionnav.store.migrate import upgrade
from services.app import build_app

DATA = Path(__file__).resolve().parents[2] / "services" / "residentmaster" / "data"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "contracts"
RM11 = SHARED / "population.residentmaster.1.1" / "interactions"
RM10 = SHARED / "population.residentmaster.1.0.0" / "interactions"
LOOKUP = "LookupResidentForFullProfileInteraction"
WSDL_11 = RM11 / LOOKUP / "LookupResidentForFullProfileInteraction_1.1_RIVTABP21.wsdl"
WSDL_10 = RM10 / LOOKUP / "LookupResidentForFullProfileInteraction_1.0_RIVTABP21.wsdl"
XSD_11 = RM11 / LOOKUP / "LookupResidentForFullProfileResponder_1.1.xsd"
XSD_10 = RM10 / LOOKUP / "LookupResidentForFullProfileResponder_1.0.xsd"
PING = SHARED / "itintegration.monitoring.1" / "interactions"
PING_WSDL = PING / "PingForConfigurationInteraction"
PING_WSDL_FILE = PING_WSDL / "PingForConfigurationInteraction_1.0_RIVTABP21.wsdl"
PING_XSD = PING_WSDL / "PingForConfigurationResponder_1.0.xsd"

HUB_ADDRESS = "SE2321000230-RNAV"
RM_PATH = "/population/residentmaster/LookupResidentForFullProfile/1/rivtabp21"
PING_PATH = "/itintegration/monitoring/PingForConfiguration/1/rivtabp21"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"

JOURNAL = "SE2321000230-JOUR"  # everyone, no unmasked right
PRIVILEGED = "SE2321000230-PRIV"  # everyone, unmasked right
KOMMUN = "SE2321000230-LULE"  # Luleå (2580) only
PERSONS_ONLY = "SE2321000230-PERS"  # may not call residentmaster
CONSUMER_HEADER = "HTTP_X_TEST_CONSUMER"

REGISTRATIONS = (
    Registration(
        JOURNAL,
        max_profile=4,
        rights=frozenset({("residentmaster", "*"), ("ping", "*")}),
    ),
    Registration(
        PRIVILEGED,
        max_profile=5,
        rights=frozenset({("residentmaster", HUB_ADDRESS)}),
        unmasked=True,
        legal_basis="test: unmasked right",
    ),
    Registration(
        KOMMUN,
        max_profile=4,
        scope=Scope.of(["2580"]),
        rights=frozenset({("residentmaster", "*")}),
    ),
    Registration(PERSONS_ONLY, max_profile=2, rights=frozenset({("persons", "*")})),
)


class TestConsumerIdentity:
    """TEST SCAFFOLDING, not part of Regionnav: stands in for the mTLS transport.

    The real transport (regionnav.transport) sets ``regionnav.consumer_id`` from
    the verified client certificate; over plain HTTP in these tests the caller
    names itself in the ``X-Test-Consumer`` header.
    """

    __test__ = False

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ["regionnav.consumer_id"] = environ.get(CONSUMER_HEADER)
        return self.app(environ, start_response)


def fill(engine: Engine) -> Engine:
    """Import both deliveries and register the test consumers."""
    for name in ("delivery-2020.xml", "delivery-2024.xml"):
        import_delivery(engine, DATA / name)
    consumers = Consumers(engine)
    for registration in REGISTRATIONS:
        consumers.add(registration)
    return engine


@contextlib.contextmanager
def running(engine: Engine, config: Config) -> Iterator[str]:
    """Regionnav on 127.0.0.1 (plain HTTP) in a thread; yields its base URL."""
    app = TestConsumerIdentity(build_app(config, engine))
    httpd = wsgi.Server(("127.0.0.1", 0), app, numthreads=4)
    httpd.prepare()
    thread = threading.Thread(target=httpd.serve, daemon=True)
    thread.start()
    host, port = httpd.bind_addr[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        httpd.stop()
        thread.join(timeout=5)


HUB_CONFIG = Config(hub=HubConfig(hsa_id=HUB_ADDRESS, lan="25"))


@pytest.fixture
def hub(engine: Engine) -> Engine:
    """The store (SQLite and PostgreSQL) with the deliveries and consumers."""
    return fill(engine)


@pytest.fixture
def config() -> Config:
    return HUB_CONFIG


@pytest.fixture
def server(hub: Engine, config: Config) -> Iterator[str]:
    with running(hub, config) as url:
        yield url


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server on a filled SQLite store for a module's read-only journeys."""
    engine = open_engine(f"sqlite:///{tmp_path_factory.mktemp('hub')}/hub.db")
    upgrade(engine)
    with running(fill(engine), HUB_CONFIG) as url:
        yield url
    engine.dispose()


@dataclass
class Caller:
    """A zeep client from an official WSDL, pointed at the running server."""

    client: zeep.Client
    history: HistoryPlugin
    service: Any
    schema: etree.XMLSchema

    def call(self, operation: str, consumer: str = JOURNAL, **kwargs: Any) -> Any:
        self.client.transport.session.headers["X-Test-Consumer"] = consumer
        kwargs.setdefault("_soapheaders", {"LogicalAddress": HUB_ADDRESS})
        result = getattr(self.service, operation)(**kwargs)
        payload = self.last_payload()
        self.schema.assertValid(payload)
        return result

    def last_payload(self) -> etree._Element:
        envelope = self.history.last_received["envelope"]
        body = envelope.find(f"{{{SOAP_ENV}}}Body")
        return body[0]


def _caller(wsdl: Path, schema: etree.XMLSchema, url: str, binding: str) -> Caller:
    history = HistoryPlugin()
    client = zeep.Client(str(wsdl), plugins=[history])
    service = client.create_service(binding, url)
    return Caller(client, history, service, schema)


@pytest.fixture(scope="session")
def schema_11() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_11)))


@pytest.fixture(scope="session")
def schema_10(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    """The OFFICIAL 1.0 Responder XSD, with one known defect repaired.

    Its PersonIdTYPE pattern ``^...$`` rejects every personnummer in an XSD
    validator (``^``/``$`` are literal there; see rivta.md). A copy with only
    the two anchors removed is validated against; everything else is as shipped.
    """
    copy = tmp_path_factory.mktemp("rm10")
    core = RM10.parent / "core_components" / "population_residentmaster_1.0.xsd"
    (copy / "core_components").mkdir()
    (copy / "core_components" / core.name).write_text(
        core.read_text(encoding="utf-8").replace(
            '"^[0-9]{8}[0-9pPtTfF][0-9]{3}$"', '"[0-9]{8}[0-9pPtTfF][0-9]{3}"'
        ),
        encoding="utf-8",
    )
    # The Responder imports ../../core_components/...: keep that layout.
    nested = copy / "interactions" / LOOKUP
    nested.mkdir(parents=True)
    (nested / XSD_10.name).write_bytes(XSD_10.read_bytes())
    return etree.XMLSchema(etree.parse(str(nested / XSD_10.name)))


RM_BINDING = (
    "{urn:riv:population:residentmaster:LookupResidentForFullProfile:1:rivtabp21}"
    "LookupResidentForFullProfileResponderBinding"
)


def residentmaster_at(
    url: str, schema: etree.XMLSchema, wsdl: Path = WSDL_11
) -> Caller:
    """A residentmaster client from the official WSDL (1.1 unless ``wsdl``)."""
    return _caller(wsdl, schema, url + RM_PATH, RM_BINDING)


@pytest.fixture
def residentmaster(server: str, schema_11: etree.XMLSchema) -> Caller:
    return residentmaster_at(server, schema_11)


@pytest.fixture
def residentmaster_10(server: str, schema_10: etree.XMLSchema) -> Caller:
    return residentmaster_at(server, schema_10, WSDL_10)


def ping_at(url: str) -> Caller:
    """A ping client from the official WSDL, validating with the official XSD."""
    binding = (
        "{urn:riv:itintegration:monitoring:PingForConfiguration:1:rivtabp21}"
        "PingForConfigurationResponderBinding"
    )
    schema = etree.XMLSchema(etree.parse(str(PING_XSD)))
    return _caller(PING_WSDL_FILE, schema, url + PING_PATH, binding)


@pytest.fixture
def ping(server: str) -> Caller:
    return ping_at(server)
