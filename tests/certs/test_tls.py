"""Real TLS handshakes on 127.0.0.1 with the certificates the CA issues.

This is what proves the certificates fit the transport: a server that demands
client certificates from the local CA (and checks its CRL) accepts the valid
client, sees its HSA-id, and refuses expired, revoked and foreign clients.
"""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from certs.identity import consumer_id
from certs.inspect import load_certificate
from certs.issue import IssuedFiles
from tests.certs.conftest import CLIENT_HSA_ID, Pki

TIMEOUT = 10.0


@dataclass
class Outcome:
    consumer: str | None = None  # what the server saw
    refusal: str | None = None  # why the server refused the client
    client_error: str | None = None  # why the client gave up


def server_context(pki: Pki, check_crl: bool = True) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(pki.server.certificate, pki.server.key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cafile=pki.ca.cert_path)
    if check_crl:
        context.load_verify_locations(cafile=pki.ca.crl_path)
        context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
    return context


def client_context(ca_file: Path, client: IssuedFiles) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=ca_file)
    context.load_cert_chain(client.certificate, client.key)
    return context


def handshake(
    server: ssl.SSLContext, client: ssl.SSLContext, server_name: str = "localhost"
) -> Outcome:
    """One connection on 127.0.0.1; what the server made of the client."""
    outcome = Outcome()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(TIMEOUT)
        port = listener.getsockname()[1]

        def serve() -> None:
            connection, _ = listener.accept()
            connection.settimeout(TIMEOUT)
            try:
                with server.wrap_socket(connection, server_side=True) as tls:
                    peer = tls.getpeercert(binary_form=True)
                    assert peer is not None
                    outcome.consumer = consumer_id(load_certificate(peer))
                    tls.sendall(b"ok")
            except ssl.SSLError as exc:
                outcome.refusal = getattr(exc, "verify_message", None) or str(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            try:
                with client.wrap_socket(raw, server_hostname=server_name) as tls:
                    tls.recv(2)
            except ssl.SSLCertVerificationError as exc:
                outcome.client_error = exc.verify_message
            except (ssl.SSLError, ConnectionError) as exc:
                outcome.client_error = str(exc)
        thread.join(TIMEOUT)
    return outcome


def test_valid_client_is_accepted_and_named_by_its_hsa_id(pki: Pki) -> None:
    client = client_context(pki.ca.cert_path, pki.client)
    outcome = handshake(server_context(pki), client)
    assert outcome.consumer == CLIENT_HSA_ID
    assert outcome.refusal is None


@pytest.mark.parametrize(
    ("which", "reason"),
    [
        ("expired_client", "expired"),
        ("revoked_client", "revoked"),
        ("foreign_client", "issuer"),
    ],
)
def test_client_is_refused(pki: Pki, which: str, reason: str) -> None:
    client = client_context(pki.ca.cert_path, getattr(pki, which))
    outcome = handshake(server_context(pki), client)
    assert outcome.consumer is None
    assert outcome.refusal is not None and reason in outcome.refusal


@pytest.mark.parametrize("server_name", ["localhost", "127.0.0.1"])
def test_client_verifies_server_by_name_and_address(pki: Pki, server_name: str) -> None:
    client = client_context(pki.ca.cert_path, pki.client)
    outcome = handshake(server_context(pki), client, server_name)
    assert outcome.consumer == CLIENT_HSA_ID


def test_client_refuses_server_for_another_name(pki: Pki) -> None:
    client = client_context(pki.ca.cert_path, pki.client)
    outcome = handshake(server_context(pki), client, "regionnav.example")
    assert outcome.consumer is None
    assert outcome.client_error is not None
    assert "Hostname mismatch" in outcome.client_error
