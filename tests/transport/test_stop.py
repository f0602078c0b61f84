"""Stopping the server: idle clients do not hold it up, begun requests are answered."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from regionnav.transport import build_server
from tests.transport.conftest import TIMEOUT, Pki, client_context, config

# Cheroot alone waits 5 s for a worker before it cuts the connection.
PROMPT_STOP_SECONDS = 2.0
SLOW_ANSWER_SECONDS = 1.0


def _slow(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    environ["wsgi.input"].read()
    time.sleep(SLOW_ANSWER_SECONDS)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"answered"]


def _timed_stop(server: Any, thread: threading.Thread) -> float:
    began = time.monotonic()
    server.stop()
    thread.join(TIMEOUT)
    return time.monotonic() - began


def _start(pki: Pki, app: Callable[..., Any]) -> tuple[Any, threading.Thread, int]:
    server = build_server(config(pki, threads=2), app, socket_timeout=60.0)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    return server, thread, int(server.bind_addr[1])


def test_idle_tls_client_does_not_hold_up_the_stop(pki: Pki) -> None:
    server, thread, port = _start(pki, _slow)
    context = client_context(pki, pki.client)
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    with context.wrap_socket(raw, server_hostname="127.0.0.1"):
        # Handshaken, and no request: a worker waits on this connection.
        time.sleep(0.2)
        took = _timed_stop(server, thread)

    assert not thread.is_alive()
    assert took < PROMPT_STOP_SECONDS


def test_client_that_never_starts_its_handshake_does_not_hold_up_the_stop(
    pki: Pki,
) -> None:
    server, thread, port = _start(pki, _slow)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT):
        time.sleep(0.2)
        took = _timed_stop(server, thread)

    assert took < PROMPT_STOP_SECONDS


def test_request_begun_before_the_stop_is_answered(pki: Pki) -> None:
    server, thread, port = _start(pki, _slow)
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=TIMEOUT, context=client_context(pki, pki.client)
    )
    answers: list[tuple[int, bytes]] = []

    def ask() -> None:
        connection.request("POST", "/", body=b"question")
        response = connection.getresponse()
        answers.append((response.status, response.read()))

    asking = threading.Thread(target=ask)
    asking.start()
    time.sleep(SLOW_ANSWER_SECONDS / 2)  # the app is working on it
    _timed_stop(server, thread)
    asking.join(TIMEOUT)
    connection.close()

    assert answers == [(200, b"answered")]
