"""A hub for the protected-identity journeys: store, consumers, application.

The store is real SQLite, filled by the real importer
(:func:`regionnav.mirror.import_delivery`) from deliveries written by the real
Navet writer; the consumers are registered through
:class:`regionnav.consumers.Consumers`; the application is
:func:`services.app.build_app`. The property test posts to it in-process (the
consumer id set as the transport sets it); ``https_hub`` serves the same
application over mutual TLS with certificates from the local CA.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, delete

from certs.ca import create_ca
from certs.issue import CertificateKind, CertificateRequest, issue
from certs.revocation import write_crl
from regionnav.config import Config, HubConfig, ServerConfig
from regionnav.consumers import Consumers, Registration
from regionnav.mirror import import_delivery
from regionnav.store.models import Delivery, IdentityLink, Person, PersonVersion
from regionnav.transport import build_server
from services.app import ServicesApp, build_app
from tests.journeys.protection.calls import HUB_ADDRESS
from tests.journeys.protection.population import Population, write_deliveries

UNPRIVILEGED = "SE2321000230-PROT"  # everyone, profile 5, no unmasked right
PRIVILEGED = "SE2321000230-UNMA"  # everyone, profile 5, the unmasked right
RIGHTS = frozenset({("residentmaster", "*"), ("persons", "*")})
REGISTRATIONS = (
    Registration(UNPRIVILEGED, name="Journal", max_profile=5, rights=RIGHTS),
    Registration(
        PRIVILEGED,
        name="Protected-identity unit",
        max_profile=5,
        rights=RIGHTS,
        unmasked=True,
        legal_basis="test: unmasked right",
    ),
)
CONFIG = Config(hub=HubConfig(hsa_id=HUB_ADDRESS, lan="25"))


def load(engine: Engine, population: Population, folder: Path) -> None:
    """Empty the mirror, then import ``population`` as its two deliveries."""
    with engine.begin() as connection:
        for table in (IdentityLink, Person, PersonVersion, Delivery):
            connection.execute(delete(table))
    for path in write_deliveries(population, folder):
        import_delivery(engine, path)


@pytest.fixture
def hub(sqlite_engine: Engine) -> Engine:
    """An empty mirror with the two consumers registered."""
    consumers = Consumers(sqlite_engine)
    for registration in REGISTRATIONS:
        consumers.add(registration)
    return sqlite_engine


@pytest.fixture
def app(hub: Engine) -> ServicesApp:
    return build_app(CONFIG, hub)


@dataclass
class HttpsHub:
    """The application behind the mutual-TLS server, and a session per consumer."""

    url: str
    sessions: dict[str, requests.Session]


@pytest.fixture
def https_hub(hub: Engine, tmp_path: Path) -> Iterator[HttpsHub]:
    """Regionnav over mutual TLS on 127.0.0.1; consumers named by certificate."""
    ca = create_ca(tmp_path / "ca", name="Protection Journey CA")
    write_crl(ca)
    issued = tmp_path / "issued"
    served = issue(
        ca,
        CertificateRequest(
            CertificateKind.SERVER, "localhost", ip_addresses=("127.0.0.1",)
        ),
        issued,
        name="server",
    )
    sessions = {}
    for consumer in (UNPRIVILEGED, PRIVILEGED):
        request = CertificateRequest(
            CertificateKind.CLIENT, consumer, hsa_id=consumer, organisation="Test"
        )
        files = issue(ca, request, issued, name=consumer)
        session = requests.Session()
        session.trust_env = False
        session.verify = str(ca.cert_path)
        session.cert = (str(files.certificate), str(files.key))
        sessions[consumer] = session

    settings = ServerConfig(
        host="127.0.0.1",
        port=0,
        threads=4,
        certfile=served.certificate,
        keyfile=served.key,
        client_ca=ca.cert_path,
        crl=ca.crl_path,
    )
    config = replace(CONFIG, server=settings)
    server = build_server(config, build_app(config, hub))
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield HttpsHub(f"https://127.0.0.1:{server.bind_addr[1]}", sessions)
    finally:
        for session in sessions.values():
            session.close()
        server.stop()
        thread.join(timeout=10)
