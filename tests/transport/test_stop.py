"""Stopping the server: idle clients do not hold it up, begun requests are answered."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from regionnav.config import Config
from regionnav.transport import build_server, processes
from tests.transport.conftest import TIMEOUT, Pki, client_context, config, echo

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


def _huge(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    environ["wsgi.input"].read()
    body = b"<x>personal data</x>" * (HUGE_BYTES // 20)
    start_response("200 OK", [("Content-Type", "text/xml")])
    return [body]


HUGE_BYTES = 32 * 1024 * 1024  # beyond what the loopback buffers hold


def test_answer_cut_at_the_end_of_the_grace_never_goes_out_unencrypted(
    pki: Pki,
) -> None:
    # Cheroot's own cut (SSLSocket.shutdown) drops the TLS state while the
    # worker writes on: the rest of the answer would follow in plain text.
    server, thread, port = _start(pki, _huge)
    server.shutdown_timeout = 0.5
    raw = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    tls = client_context(pki, pki.client).wrap_socket(raw, server_hostname="127.0.0.1")
    tls.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
    time.sleep(0.5)  # the worker is writing, blocked on the full buffers

    stopping = threading.Thread(target=_timed_stop, args=(server, thread))
    stopping.start()
    time.sleep(1.0)  # past the grace, before this client reads on
    ending: BaseException | None = None
    try:
        while tls.recv(65536):
            pass
    except (OSError, ssl.SSLError) as exc:
        ending = exc
    finally:
        tls.close()
    stopping.join(TIMEOUT)

    assert not thread.is_alive()
    # A clean end of the stream, not a record that is not TLS.
    assert ending is None or isinstance(
        ending, ssl.SSLEOFError | ssl.SSLZeroReturnError | ConnectionResetError
    ), repr(ending)


def test_connection_with_a_request_arriving_is_not_taken_for_an_idle_one(
    pki: Pki,
) -> None:
    server = build_server(config(pki, tls=False), _slow)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        connection = server.ConnectionClass(server, ours)
        assert connection.waits_for_a_request()

        theirs.sendall(b"POST / HTTP/1.1\r\n")
        assert not connection.waits_for_a_request()

        ours.recv(100)  # the worker read it, and the request line is in
        connection.request_begun = True
        assert not connection.waits_for_a_request()


KEPT_ALIVE = 30


def test_request_a_kept_alive_client_sent_just_before_the_stop_is_answered(
    pki: Pki,
) -> None:
    # Cheroot's stop closes idle keep-alive connections unread, though a
    # request may have arrived on one a moment before.
    server, thread, port = _start(pki, echo)
    context = client_context(pki, pki.client)
    connections = [
        http.client.HTTPSConnection("127.0.0.1", port, timeout=TIMEOUT, context=context)
        for _ in range(KEPT_ALIVE)
    ]
    for connection in connections:
        connection.request("POST", "/", body=b"first")
        connection.getresponse().read()

    for connection in connections:
        connection.request("POST", "/", body=b"second")
    stopping = threading.Thread(target=_timed_stop, args=(server, thread))
    stopping.start()
    outcomes: list[int | str] = []
    for connection in connections:
        try:
            outcomes.append(connection.getresponse().status)
        except (OSError, http.client.HTTPException) as exc:
            outcomes.append(type(exc).__name__)
        connection.close()
    stopping.join(TIMEOUT)

    assert outcomes == [200] * KEPT_ALIVE


def test_stopping_hands_a_kept_alive_request_to_a_worker_and_closes_the_idle(
    pki: Pki,
) -> None:
    # Cheroot's internals, which its stubs leave out.
    server: Any = build_server(config(pki, tls=False), echo)
    server.prepare()
    handed: list[Any] = []
    server.process_conn = handed.append
    asking, asker = socket.socketpair()
    idle, idler = socket.socketpair()
    try:
        kept = server._connections  # what cheroot holds between requests
        asked = server.ConnectionClass(server, asking)
        quiet = server.ConnectionClass(server, idle)
        kept.put(asked)
        kept.put(quiet)
        asker.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")

        kept.close()
        assert handed == [asked]
        assert idle.fileno() == -1  # closed, as cheroot closes them
    finally:
        for end in (asking, asker, idle, idler):
            end.close()
        server.stop()


def test_first_process_tells_the_others_to_stop_before_its_own_stop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its own stop may wait for requests; the others must not take new
    # connections from the shared socket meanwhile.
    events: list[str] = []

    class Interrupted:
        def prepare(self) -> None:
            events.append("serving")

        def serve(self) -> None:
            raise KeyboardInterrupt

        def stop(self) -> None:
            events.append("own stop")

    monkeypatch.setattr(processes, "build_server", lambda *_a, **_k: Interrupted())
    factory = lambda _config: (echo, lambda: events.append("closed"))  # noqa: E731
    with pytest.raises(KeyboardInterrupt):
        processes._serve_here(
            Config(), factory, None, None, lambda: events.append("others told")
        )

    assert events == ["serving", "others told", "own stop", "closed"]
