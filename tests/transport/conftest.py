"""A PKI made by ``certs``, and real cheroot servers on 127.0.0.1 around an echo app.

The echo application answers ``<consumer id>|<platform id>`` from what the
transport put in ``environ`` (``-`` for none), so a test reads exactly what the
services would see.
"""

from __future__ import annotations

import http.client
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from certs.ca import CertificateAuthority, create_ca
from certs.issue import CertificateKind, CertificateRequest, IssuedFiles, issue
from certs.revocation import revoke, write_crl
from regionnav.config import Config, ServerConfig
from regionnav.transport import build_server

CLIENT_ID = "SE2321000230-JOUR"
PLATFORM_ID = "SE2321000230-PLAT"
TIMEOUT = 10.0


@dataclass(frozen=True)
class Pki:
    ca: CertificateAuthority
    server: IssuedFiles
    client: IssuedFiles
    platform: IssuedFiles
    expired: IssuedFiles
    revoked: IssuedFiles
    foreign: IssuedFiles  # from another CA


def _client(cn: str, hsa_id: str, **more: Any) -> CertificateRequest:
    return CertificateRequest(
        CertificateKind.CLIENT, cn, hsa_id=hsa_id, organisation="Testregionen", **more
    )


def make_pki(root: Path) -> Pki:
    ca = create_ca(root / "ca", name="Transport Test CA")
    other = create_ca(root / "other", name="Stranger CA")
    out = root / "issued"
    server = issue(
        ca,
        CertificateRequest(
            CertificateKind.SERVER,
            "localhost",
            dns_names=("localhost",),
            ip_addresses=("127.0.0.1",),
        ),
        out,
        name="server",
    )
    old = {
        "not_before": datetime(2020, 1, 1, tzinfo=UTC),
        "not_after": datetime(2020, 12, 31, tzinfo=UTC),
    }
    pki = Pki(
        ca=ca,
        server=server,
        client=issue(ca, _client("Journal", CLIENT_ID), out, name="client"),
        platform=issue(ca, _client("Platform", PLATFORM_ID), out, name="platform"),
        expired=issue(ca, _client("Old", "SE2321000230-OLD1", **old), out, name="old"),
        revoked=issue(ca, _client("Lost", "SE2321000230-LOST"), out, name="lost"),
        foreign=issue(other, _client("Stranger", CLIENT_ID), out, name="foreign"),
    )
    write_crl(other)
    revoke(ca, pki.revoked.serial)
    return pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """Shared by the session: tests must not revoke or add to it."""
    return make_pki(tmp_path_factory.mktemp("transport-pki"))


@pytest.fixture
def own_pki(tmp_path: Path) -> Pki:
    """A PKI of the test's own, for tests that revoke."""
    return make_pki(tmp_path / "pki")


def config(pki: Pki, **server: Any) -> Config:
    settings = ServerConfig(
        host="127.0.0.1",
        port=0,
        threads=4,
        certfile=pki.server.certificate,
        keyfile=pki.server.key,
        client_ca=pki.ca.cert_path,
        crl=pki.ca.crl_path,
        max_body_bytes=10_000,
    )
    return Config(server=replace(settings, **server))


def echo(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    environ["wsgi.input"].read()
    consumer = environ.get("regionnav.consumer_id") or "-"
    platform = environ.get("regionnav.platform_id") or "-"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [f"{consumer}|{platform}".encode()]


@contextmanager
def running(cfg: Config, **options: Any) -> Iterator[int]:
    """A server for ``echo`` built by ``build_server``; yields its port."""
    server = build_server(cfg, echo, **options)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield int(server.bind_addr[1])
    finally:
        server.stop()
        thread.join(TIMEOUT)


def client_context(pki: Pki, client: IssuedFiles | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=pki.ca.cert_path)
    if client is not None:
        context.load_cert_chain(client.certificate, client.key)
    return context


def call(
    port: int,
    context: ssl.SSLContext | None,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> tuple[int, str]:
    """POST ``body`` to the server; ``context=None`` means plain HTTP."""
    connection: http.client.HTTPConnection
    if context is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    else:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=TIMEOUT, context=context
        )
    try:
        connection.request("POST", "/", body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def pem_of(files: IssuedFiles) -> str:
    return Path(files.certificate).read_text()
