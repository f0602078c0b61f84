"""Serving one port from several processes.

One Python process runs its requests one at a time on the interpreter lock,
however many threads it has, so on a machine with more than one core
``server.processes`` processes serve the same port side by side. The first
binds the listening socket and hands it to the others; every process waits
on it, and whichever is free first accepts a new connection, so a busy
process is not dealt more (as the kernel would deal by hash with
``SO_REUSEPORT``). Each builds its own application from a :data:`Factory`,
with its own database connections; the audit trail is built for several
writing processes. The others end with the first, whether it is stopped,
interrupted or killed, and if one of them fails, all stop.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import multiprocessing.connection
import signal
import socket
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import FrameType

from cheroot import wsgi

from regionnav import logs
from regionnav.config import Config
from regionnav.errors import RegionnavError
from regionnav.transport.middleware import WsgiApp
from regionnav.transport.server import LISTEN_BACKLOG, build_server

logger = logging.getLogger(__name__)

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
# How long the others may take to stop before they are killed.
STOP_SECONDS = 10.0

# Builds the application in a serving process: the application and what to
# call when that process stops. A module-level function, so that the other
# processes can be given it.
Factory = Callable[[Config], tuple[WsgiApp, Callable[[], None]]]
Started = Callable[[wsgi.Server, WsgiApp], None]


def serve(config: Config, factory: Factory, started: Started | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), in server.processes processes.

    ``started`` is called with the first process's server and application
    once it listens. If another serving process ends on its own, all stop
    and :class:`~regionnav.errors.RegionnavError` is raised: half a server
    that looks whole helps no one, a stopped one gets restarted.
    Raises ``OSError`` when the address cannot be listened on.
    """
    processes = config.server.processes
    shared = _listen(config) if processes > 1 else None
    _stop_on_signals()
    others: list[BaseProcess] = []
    lifelines: list[Connection] = []
    stopping = threading.Event()
    crashed: list[int] = []

    def listening(server: wsgi.Server, app: WsgiApp) -> None:
        context = multiprocessing.get_context("spawn")
        level = logging.getLogger().level
        # The others are born ignoring the stop signals (a signal ignored at
        # exec stays ignored), so that one in the middle of their start-up
        # does not end them half-way; once ready they listen to signals and
        # to their lifeline. Held back meanwhile, none is lost here.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        try:
            for _ in range(processes - 1):
                receiving, sending = context.Pipe(duplex=False)
                process = context.Process(
                    target=_serve_more,
                    args=(config, factory, level, shared, receiving),
                    daemon=True,
                )
                process.start()
                receiving.close()
                others.append(process)
                lifelines.append(sending)
        finally:
            _stop_on_signals()
        if others:
            watch = (others, stopping, crashed)
            threading.Thread(target=_watch, args=watch, daemon=True).start()
        if started:
            started(server, app)

    def stop_others() -> None:
        # Before this process's own stop, which may wait for its requests:
        # meanwhile the others would go on taking new connections.
        stopping.set()
        for lifeline in lifelines:
            lifeline.close()

    try:
        _serve_here(config, factory, listening, shared, stop_others)
    except KeyboardInterrupt:
        if not crashed:
            raise
    finally:
        # A second signal must not cut the stopping of the others short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # Again, for a start that failed before serving; a second close is
        # harmless.
        stop_others()
        for process in others:
            process.join(timeout=STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
    if crashed:
        raise RegionnavError(
            f"a serving process ended with exit code {crashed[0]}; all stopped"
        )


def _watch(
    others: list[BaseProcess], stopping: threading.Event, crashed: list[int]
) -> None:
    """Stop everything when another serving process ends; note if it failed.

    One stopped with the rest (Ctrl-C reaches every process) ends with 0.
    """
    ended = multiprocessing.connection.wait([process.sentinel for process in others])
    if stopping.is_set():
        return
    for process in others:
        if process.sentinel in ended:
            # Reaped, so that its exit code is known.
            process.join(timeout=5)
            if process.exitcode:
                crashed.append(process.exitcode)
    if crashed:
        logger.error("a serving process ended with exit code %s", crashed[0])
    signal.raise_signal(signal.SIGTERM)


def _listen(config: Config) -> socket.socket:
    """The listening socket all serving processes share.

    Raises ``OSError`` naming the address when it cannot be bound.
    """
    host, port = config.server.host, config.server.port
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listening = socket.create_server(
            address[:2], family=family, backlog=LISTEN_BACKLOG
        )
    except OSError as exc:
        raise OSError(
            exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}"
        ) from exc
    # Accepted connections inherit it: answers go out without waiting.
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listening


def _serve_here(
    config: Config,
    factory: Factory,
    listening: Started | None,
    shared: socket.socket | None,
    stopping: Callable[[], None] = lambda: None,
) -> None:
    """Serve in this process until interrupted; ``stopping`` runs first then."""
    app, close = factory(config)
    server = build_server(config, app, listening=shared)
    try:
        server.prepare()
        if listening:
            listening(server, app)
        server.serve()
    finally:
        stopping()
        server.stop()
        close()


def _serve_more(
    config: Config,
    factory: Factory,
    level: int,
    shared: socket.socket,
    lifeline: Connection,
) -> None:
    """One more serving process, which ends with the process that started it."""
    logs.setup(level)
    with contextlib.suppress(KeyboardInterrupt):
        # A stop signal that came while this process started arrives here.
        _stop_on_signals()
        threading.Thread(target=_end_with, args=(lifeline,), daemon=True).start()
        _serve_here(config, factory, None, shared)


def _end_with(lifeline: Connection) -> None:
    # The first process closes its end to stop us, or dies and so closes it.
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    signal.raise_signal(signal.SIGTERM)


def _stop_on_signals() -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, _interrupt)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    # Once: a second signal (Ctrl-C reaches every process of the group, then
    # the first process stops the others) must not cut the stopping short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt
