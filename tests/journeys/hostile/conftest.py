"""A whole hub under attack: mutual TLS, the real services, a filled store.

The server is ``build_server`` around ``build_app`` on 127.0.0.1, exactly as
``regionnav serve`` runs it, with a small body cap so that oversized bodies
stay cheap to send. Requests are written by hand on a raw TLS socket when the
HTTP framing itself is the attack (lengths, chunks), and with ``requests``
otherwise. Consumers and deliveries are the lookup journeys' own.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from lxml import etree

from certs.ca import CertificateAuthority, create_ca
from certs.issue import CertificateKind, CertificateRequest, IssuedFiles, issue
from certs.revocation import write_crl
from regionnav.config import ServerConfig
from regionnav.store.engine import open_engine
from regionnav.store.migrate import upgrade
from regionnav.transport import build_server
from services.app import build_app
from tests.journeys.lookup.conftest import (
    HUB_ADDRESS,
    HUB_CONFIG,
    JOURNAL,
    PERSONS_ONLY,
    RM_PATH,
    SOAP_ENV,
    fill,
)

MAX_BODY = 50_000
# Long enough that a server waiting on the socket would outlast the client.
SERVER_SOCKET_TIMEOUT = 60.0
CLIENT_TIMEOUT = 10.0
RESPONDER = "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
ACTION = f"{RESPONDER}:LookupResidentForFullProfile"
PERSON = "197611042396"
ERROR_ID = re.compile(r"error id [0-9a-f-]{36}")


@dataclass(frozen=True)
class Hub:
    port: int
    ca: CertificateAuthority
    journal: IssuedFiles  # residentmaster and ping
    persons: IssuedFiles  # GetPersonsForProfile, up to P2

    def context(self, client: IssuedFiles) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.ca.cert_path)
        context.load_cert_chain(client.certificate, client.key)
        return context

    def connect(self, client: IssuedFiles) -> ssl.SSLSocket:
        raw = socket.create_connection(("127.0.0.1", self.port), CLIENT_TIMEOUT)
        return self.context(client).wrap_socket(raw, server_hostname="127.0.0.1")

    def exchange(
        self, head: str, *body: bytes, client: IssuedFiles | None = None
    ) -> bytes:
        """Send a request head and body parts as given; the raw answer."""
        with self.connect(client or self.journal) as tls:
            tls.sendall(head.encode("latin-1"))
            for part in body:
                tls.sendall(part)
            return read_answer(tls)


def read_answer(tls: ssl.SSLSocket) -> bytes:
    """Read one answer whose head carries a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = tls.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?i)content-length: *(\d+)", head)
    while length and len(body) < int(length.group(1)):
        chunk = tls.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def request_head(
    length: str | None = None,
    chunked: bool = False,
    method: str = "POST",
    path: str = RM_PATH,
    action: str = ACTION,
) -> str:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Content-Type: text/xml; charset=utf-8",
        f'SOAPAction: "{action}"',
    ]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return "\r\n".join(lines) + "\r\n\r\n"


def envelope(person: str = PERSON) -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP_ENV}"><soap:Header>'
        f'<LogicalAddress xmlns="urn:riv:itintegration:registry:1">{HUB_ADDRESS}'
        f"</LogicalAddress></soap:Header><soap:Body>"
        f'<LookupResidentForFullProfile xmlns="{RESPONDER}"><personId>{person}'
        f"</personId></LookupResidentForFullProfile></soap:Body></soap:Envelope>"
    ).encode()


def fault_of(answer: bytes) -> tuple[str, str]:
    """``(faultcode, faultstring)`` of a raw answer that must be a SOAP fault."""
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 500 "), head[:60]
    assert b"content-type: text/xml" in head.lower()
    fault = etree.fromstring(body).find(f"{{{SOAP_ENV}}}Body/{{{SOAP_ENV}}}Fault")
    assert fault is not None
    text = fault.findtext("faultstring") or ""
    assert ERROR_ID.search(text), text
    return fault.findtext("faultcode") or "", text


def make_pki(root: Path) -> tuple[CertificateAuthority, dict[str, IssuedFiles]]:
    ca = create_ca(root / "ca", name="Hostile Journey CA")
    write_crl(ca)
    issued = root / "issued"
    served = CertificateRequest(
        CertificateKind.SERVER, "localhost", ip_addresses=("127.0.0.1",)
    )
    files = {"server": issue(ca, served, issued, name="server")}
    for hsa_id in (JOURNAL, PERSONS_ONLY):
        request = CertificateRequest(
            CertificateKind.CLIENT, hsa_id, hsa_id=hsa_id, organisation="Test"
        )
        files[hsa_id] = issue(ca, request, issued, name=hsa_id)
    return ca, files


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One hub for a module's attacks; none of them changes the store."""
    root = tmp_path_factory.mktemp("hostile")
    ca, files = make_pki(root)
    served = files["server"]
    engine = open_engine(f"sqlite:///{root}/hub.db")
    upgrade(engine)
    fill(engine)
    settings = ServerConfig(
        host="127.0.0.1",
        port=0,
        threads=4,
        certfile=served.certificate,
        keyfile=served.key,
        client_ca=ca.cert_path,
        crl=ca.crl_path,
        max_body_bytes=MAX_BODY,
    )
    config = replace(HUB_CONFIG, server=settings)
    server = build_server(
        config, build_app(config, engine), socket_timeout=SERVER_SOCKET_TIMEOUT
    )
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield Hub(int(server.bind_addr[1]), ca, files[JOURNAL], files[PERSONS_ONLY])
    finally:
        server.stop()
        thread.join(timeout=5)
        engine.dispose()
