"""The HTTPS server: cheroot, mutual TLS, and limits that keep workers free.

:func:`build_server` returns a :class:`cheroot.wsgi.Server` that serves the
application wrapped in :class:`~regionnav.transport.middleware.ConsumerIdentity`.
With ``server.tls`` (the default) it speaks only TLS 1.2 or newer and refuses
any client without a valid, unrevoked certificate from ``server.client_ca``
(see :mod:`regionnav.transport.tls`). With ``server.tls = false`` it speaks
plain HTTP: that is for running behind a TLS-terminating proxy only, listed in
``server.trusted_proxies``, and a warning says so at start-up.

Four changes to cheroot's defaults, and why:

- **The TLS handshake runs in the worker thread**, not in cheroot's accept
  loop, where one client that never finishes its handshake would hold up every
  new connection. A refused handshake (no certificate, unknown CA, revoked,
  expired, old protocol) is logged with its reason and the peer address;
  cheroot would otherwise drop it without a word.
- **Every request has a deadline** (:data:`REQUEST_DEADLINE`, from the first
  byte of the request, handshake included, to the end of the answer). A client
  that trickles its headers or body one byte at a time would otherwise hold a
  worker for as long as it keeps each read under the socket timeout. The
  national platform gives up on a producer after 29 s, so nothing useful is
  lost.
- **Limits**: the body is capped at ``server.max_body_bytes``, the request
  head at :data:`MAX_HEADER_BYTES`, and each socket read or write at
  :data:`SOCKET_TIMEOUT`. A request that *declares* a longer body is still
  handed to the application, which answers it (the services: with a SOAP
  Client fault) at once: its ``wsgi.input`` raises cheroot's
  ``MaxSizeExceeded`` instead of reading. After the answer up to
  :data:`DRAIN_BYTES` of the body are read and thrown away, so that a client
  that sends its whole body before it reads (most HTTP libraries do) still
  gets the answer instead of a reset; then the connection is closed. Cheroot
  itself would answer a plain-text 413 that no SOAP consumer can read.
- **A stop does not wait for idle clients.** A worker holding a connection
  on which no request has begun to arrive (a handshake, an idle client) would
  keep cheroot's stop waiting its full grace of 5 s; such connections are cut
  as soon as the stop begins. Requests that have begun get the grace to be
  answered, among them one a keep-alive client sent just before the stop
  (cheroot would close its connection unread); then their connections are cut
  below TLS. Cheroot's own cut (``SSLSocket.shutdown``) drops the TLS state
  under the writing worker, and the rest of an answer would go out
  unencrypted.

Cheroot's own log lines go to this module's logger.
"""

from __future__ import annotations

import gc
import logging
import select
import socket
import ssl
import sys
import threading
import time
from typing import Any

from cheroot import wsgi
from cheroot.connections import ConnectionManager
from cheroot.errors import MaxSizeExceeded
from cheroot.server import HTTPConnection, HTTPRequest
from cheroot.ssl.builtin import BuiltinSSLAdapter
from cheroot.workers.threadpool import ThreadPool

from regionnav import logs
from regionnav.config import Config
from regionnav.transport.middleware import ConsumerIdentity, WsgiApp
from regionnav.transport.tls import ContextSource

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 10.0
REQUEST_DEADLINE = 30.0
MAX_HEADER_BYTES = 64 * 1024
DRAIN_BYTES = 8 * 1024 * 1024
# Idle keep-alive connections kept open (cheroot: 10) and the listen backlog
# (cheroot: 5). With more clients than cheroot's limits, connections were
# closed after every answer and each request paid a new TLS handshake, and
# new connections beyond the backlog waited a second for SYN to be resent.
KEEP_ALIVE_CONNECTIONS = 1000
LISTEN_BACKLOG = 128
# How often a stopping server looks for connections that wait for a request.
DRAIN_TICK = 0.05


def build_server(
    config: Config,
    app: WsgiApp,
    *,
    socket_timeout: float = SOCKET_TIMEOUT,
    request_deadline: float = REQUEST_DEADLINE,
    listening: socket.socket | None = None,
) -> wsgi.Server:
    """A cheroot server for ``app`` on ``server.host``:``server.port``.

    ``app`` is wrapped in the consumer-identity middleware. The server is not
    started; call ``prepare()`` and ``serve()`` (or ``safe_start()``), and
    ``stop()``. ``listening`` is a listening socket to accept from instead
    of binding one, shared with other serving processes
    (:mod:`regionnav.transport.processes`). Raises
    :class:`~regionnav.errors.ConfigError` for missing or unusable TLS files or
    a malformed proxy list.
    """
    settings = config.server
    server = _Server(
        (settings.host, settings.port),
        ConsumerIdentity(app, settings),
        numthreads=settings.threads,
    )
    server.listening = listening
    server.timeout = socket_timeout
    server.deadlines = _Deadlines(request_deadline)
    server.max_request_body_size = settings.max_body_bytes
    server.max_request_header_size = MAX_HEADER_BYTES
    server.keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS
    server.request_queue_size = LISTEN_BACKLOG
    server.ConnectionClass = _Connection
    if settings.tls:
        server.ssl_adapter = _TlsAdapter(ContextSource(settings))
    else:
        logger.warning(
            "server.tls is false: plain HTTP on %s:%s, for use behind a "
            "TLS-terminating proxy only",
            settings.host,
            settings.port,
        )
    return server


class _Server(wsgi.Server):
    """Cheroot's WSGI server with the request deadlines and logging wired in."""

    deadlines: _Deadlines
    listening: socket.socket | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests = _Workers(self, min=self.requests.min, max=self.requests.max)

    def bind(self, family: int, type: int, proto: int = 0) -> socket.socket:
        if self.listening is None:
            sock: socket.socket = super().bind(family, type, proto)
            return sock
        self.socket = self.listening
        self.bind_addr = self.listening.getsockname()[:2]
        return self.listening

    def prepare(self) -> None:
        self.deadlines.start()
        super().prepare()
        # Ours in place of the one cheroot made, before it serves. (Cheroot's
        # stubs leave out its private attributes.)
        self._connections.close()  # type: ignore[has-type]
        self._connections = _KeptAlive(self)
        if self.listening is not None:
            # Every process sharing the socket is woken for a new connection
            # and one takes it: the others must not wait in accept().
            self.socket.settimeout(0)
        # What start-up built (the application, its contracts and schemas,
        # the TLS context) lives as long as the process: leave it out of the
        # cyclic collector's scans, which otherwise walk all of it in every
        # full collection while each request's threads wait for the GIL.
        gc.freeze()

    def put_conn(self, conn: Any) -> None:
        # A kept-alive client may have sent its next request as the stop
        # began; cheroot would close the connection unread.
        while not self.ready and conn.has_input() and conn.communicate():
            pass
        super().put_conn(conn)

    def stop(self) -> None:
        self.deadlines.drain()
        try:
            super().stop()
        finally:
            self.deadlines.stop()

    def error_log(
        self, msg: str = "", level: int = 20, traceback: bool = False
    ) -> None:
        failure = sys.exc_info()[1] if traceback else None
        if isinstance(failure, OSError):
            # One client hung up, stalled or broke TLS mid-request: worth a
            # line, not a stack at WARNING or ERROR for every hostile caller.
            logger.info("cheroot: %s (%s)", msg, type(failure).__name__)
            return
        logger.log(level, "cheroot: %s", msg, exc_info=traceback)


class _KeptAlive(ConnectionManager):
    """Cheroot's idle keep-alive connections, whose last requests a stop answers."""

    def close(self) -> None:
        # Called once the server no longer accepts, while the workers still
        # run: a request sent just before the stop goes to them, not unread
        # into a closed connection. (Cheroot's stubs leave out _selector.)
        selector: Any = self._selector  # type: ignore[attr-defined]
        for descriptor, connection in list(selector.connections):
            if connection is not self.server and connection.has_input():
                selector.unregister(descriptor)
                self.server.process_conn(connection)
        super().close()


class _Workers(ThreadPool):
    """Cheroot's worker pool, cutting connections at the end of a stop safely."""

    @staticmethod
    def _force_close(connection: _Connection | None) -> None:
        if connection is not None:
            connection.abort()


class _TlsAdapter(BuiltinSSLAdapter):
    """Wraps accepted sockets for TLS, leaving the handshake to the worker."""

    def __init__(self, contexts: ContextSource) -> None:
        # Not BuiltinSSLAdapter.__init__: it reads the files itself and runs a
        # loopback handshake to describe the server certificate, which the
        # application does not need.
        self._contexts = contexts
        self.context = contexts.current()
        self._server_env: dict[str, str] = {}

    def wrap(self, sock: socket.socket) -> tuple[ssl.SSLSocket, dict[str, str]]:
        self.context = self._contexts.current()
        tls = self.context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        )
        return tls, {}


class _Request(HTTPRequest):
    """A request whose declared body is over the cap still gets the app's answer."""

    conn: _Connection

    def read_request_line(self) -> bool:
        # It returns once a request line is read, or the client has gone.
        read = bool(super().read_request_line())  # type: ignore[no-untyped-call]
        # From here on a stop lets the request finish (_Deadlines.drain).
        self.conn.request_begun = True
        return read

    def simple_response(self, status: str, msg: str = "") -> None:
        # Cheroot refuses such a request from inside read_request_headers, with
        # all headers read; the request line and headers are all the app needs.
        if str(status).startswith("413") and self._declares_too_much():
            self._answer_unread()
            return
        super().simple_response(status, msg)

    def _declares_too_much(self) -> bool:
        declared = self.inheaders.get(b"Content-Length", b"").strip()
        limit: int = self.server.max_request_body_size
        return declared.isdigit() and 0 < limit < int(declared)

    def _answer_unread(self) -> None:
        # Closing the connection keeps cheroot from draining the whole body.
        self.close_connection = True
        self.rfile = _UnreadBody(self.server.max_request_body_size)
        self.server.gateway(self).respond()
        self.ensure_headers_sent()
        if self.chunked_write:  # an answer without Content-Length
            self.conn.wfile.write(b"0\r\n\r\n")
        self.conn.wfile.flush()
        _drain(
            self.conn.rfile, min(int(self.inheaders[b"Content-Length"]), DRAIN_BYTES)
        )


def _drain(stream: Any, size: int) -> None:
    try:
        while size > 0 and (chunk := stream.read(min(size, 65536))):
            size -= len(chunk)
    except OSError:
        # The client went away or timed out: the answer is out either way.
        return


class _UnreadBody:
    """``wsgi.input`` of a request whose body is over the cap: refuses to be read."""

    def __init__(self, limit: int) -> None:
        self._limit = limit

    def read(self, size: int | None = None) -> bytes:
        raise MaxSizeExceeded("request body over the cap", self._limit)

    def readline(self, size: int | None = None) -> bytes:
        return self.read(size)

    def readlines(self, hint: int = 0) -> list[bytes]:
        return [self.read()]

    def __iter__(self) -> _UnreadBody:
        return self

    def __next__(self) -> bytes:
        return self.read()


class _Connection(HTTPConnection):
    """A connection that completes its TLS handshake, on a deadline, in the worker."""

    RequestHandlerClass = _Request
    _handshaken = False
    request_begun = False

    def communicate(self) -> bool:
        # The worker thread still holds the last request's correlation id;
        # this connection's TLS and cheroot lines must not carry it.
        logs.correlation_id.set("-")
        self.request_begun = False
        deadlines: _Deadlines = self.server.deadlines
        deadlines.enter(self)
        try:
            return self._handshake() and bool(super().communicate())  # type: ignore[no-untyped-call]
        finally:
            deadlines.leave(self)

    def _handshake(self) -> bool:
        tls = self.socket
        if self._handshaken or not isinstance(tls, ssl.SSLSocket):
            return True
        try:
            tls.do_handshake()
        except ssl.SSLEOFError as exc:
            # Connected and closed without a word: a port probe, a health
            # check, or a serving process waking the socket it shares.
            logger.info("TLS handshake with %s lost: %s", self.remote_addr, exc)
            return False
        except ssl.SSLError as exc:
            reason = getattr(exc, "verify_message", None) or exc.reason or str(exc)
            logger.warning(
                "TLS handshake with %s refused: %s", self.remote_addr, reason
            )
            return False
        except OSError as exc:
            logger.info("TLS handshake with %s lost: %s", self.remote_addr, exc)
            return False
        self._handshaken = True
        self.ssl_env = self.server.ssl_adapter.get_environ(tls)
        return True

    def waits_for_a_request(self) -> bool:
        """Whether no request has begun to arrive (asked from another thread).

        Not while a request line has been read or :meth:`has_input`.
        """
        return not self.request_begun and not self.has_input()

    def has_input(self) -> bool:
        """Whether bytes wait in the reader's buffer or the socket.

        A request, or a handshake, the worker has yet to read; or the end of
        the stream, which the worker reads as such.
        """
        if self.rfile.has_data():
            return True
        try:
            waiting = select.poll()
            waiting.register(self.socket.fileno(), select.POLLIN)
            return bool(waiting.poll(0))
        except (OSError, ValueError):
            return False  # closed: nothing to read

    def abort(self) -> None:
        """Cut the connection under a worker blocked on it (from another thread)."""
        try:
            # socket.socket's own shutdown: SSLSocket.shutdown would also drop
            # its TLS state under the reading thread's feet.
            socket.socket.shutdown(self.socket, socket.SHUT_RDWR)
        except OSError:
            logger.debug("connection from %s already closed", self.remote_addr)


class _Deadlines:
    """Cuts connections whose current request has run longer than allowed.

    Once :meth:`drain` is called (the server is stopping), it also cuts every
    connection held by a worker that waits for a request, until it stops. A
    connection is cut when it is found waiting twice, :data:`DRAIN_TICK`
    apart: once could be the moment the worker has taken a request's bytes
    from the socket and not yet handed them on.
    """

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._lock = threading.Lock()
        self._started: dict[_Connection, float] = {}
        self._stopping = threading.Event()
        self._draining = threading.Event()
        self._waiting: set[_Connection] = set()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._watch, name="regionnav-deadlines", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def drain(self) -> None:
        self._draining.set()
        self._cut_waiting()

    def enter(self, connection: _Connection) -> None:
        with self._lock:
            self._started[connection] = time.monotonic()

    def leave(self, connection: _Connection) -> None:
        with self._lock:
            self._started.pop(connection, None)

    def _watch(self) -> None:
        tick = min(1.0, self._seconds / 4)
        while not self._stopping.wait(DRAIN_TICK if self._draining.is_set() else tick):
            if self._draining.is_set():
                # Connections accepted while the stop began are cut too.
                self._cut_waiting()
            limit = time.monotonic() - self._seconds
            with self._lock:
                late = [c for c, started in self._started.items() if started < limit]
                for connection in late:
                    del self._started[connection]
            for connection in late:
                logger.warning(
                    "request from %s passed its %.0f s deadline; connection cut",
                    connection.remote_addr,
                    self._seconds,
                )
                connection.abort()

    def _cut_waiting(self) -> None:
        with self._lock:
            held = list(self._started)
        waiting = {c for c in held if c.waits_for_a_request()}
        for connection in waiting & self._waiting:
            connection.abort()
        self._waiting = waiting
