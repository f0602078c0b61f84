"""Hostile requests cannot hold a worker: body cap, request deadline, bad settings."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

import pytest
from cheroot.errors import MaxSizeExceeded

from regionnav.errors import ConfigError
from regionnav.transport import build_server
from tests.transport.conftest import (
    CLIENT_ID,
    TIMEOUT,
    Pki,
    call,
    client_context,
    config,
    echo,
    running,
)


def refusing(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
    """Answers what reading the body did: the services' fault, in miniature."""
    try:
        environ["wsgi.input"].read()
    except MaxSizeExceeded:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [f"refused {environ['CONTENT_LENGTH']}".encode()]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"read"]


def test_body_over_the_cap_reaches_the_app_unreadable(pki: Pki) -> None:
    # Cheroot alone would answer a plain-text 413 the services cannot shape.
    server = build_server(config(pki, max_body_bytes=1000), refusing)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        port = int(server.bind_addr[1])
        answer = call(port, client_context(pki, pki.client), body=b"x" * 1001)
    finally:
        server.stop()
        thread.join(TIMEOUT)

    assert answer == (500, "refused 1001")


def test_body_at_the_cap_is_served(pki: Pki) -> None:
    with running(config(pki, max_body_bytes=1000)) as port:
        status, body = call(port, client_context(pki, pki.client), body=b"x" * 1000)

    assert (status, body) == (200, f"{CLIENT_ID}|-")


def _stalled_request_outcome(port: int, tls: ssl.SSLContext | None) -> bytes:
    """Send half a request, then wait for the server to give up on it."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    stream = tls.wrap_socket(raw, server_hostname="127.0.0.1") if tls else raw
    with stream:
        stream.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n")
        try:
            return stream.recv(100)
        except (ConnectionError, ssl.SSLError):
            return b""


@pytest.mark.parametrize("tls", [True, False])
def test_client_that_stalls_its_request_is_cut_at_the_deadline(
    pki: Pki, tls: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # The socket timeout alone would keep the worker for longer than the client
    # waits; only the deadline can end it in time.
    options = {"socket_timeout": 60.0, "request_deadline": 1.0}
    with running(config(pki, tls=tls), **options) as port:
        context = client_context(pki, pki.client) if tls else None
        answer = _stalled_request_outcome(port, context)

    assert answer == b""
    assert any("deadline" in r.getMessage() for r in caplog.records)


def test_client_that_never_starts_its_handshake_is_cut_at_the_deadline(
    pki: Pki,
) -> None:
    options = {"socket_timeout": 60.0, "request_deadline": 1.0}
    with (
        running(config(pki), **options) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
    ):
        assert raw.recv(100) == b""


def test_served_while_another_client_stalls_its_handshake(pki: Pki) -> None:
    # The handshake runs in a worker, so a silent client does not block accepts.
    options = {"socket_timeout": 60.0, "request_deadline": 30.0}
    with (
        running(config(pki), **options) as port,
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT),
    ):
        status, _ = call(port, client_context(pki, pki.client))

    assert status == 200


def test_malformed_proxy_entry_stops_the_start(pki: Pki) -> None:
    with pytest.raises(ConfigError, match=r"server\.trusted_proxies"):
        build_server(config(pki, trusted_proxies=("10.0.0.300",)), echo)
