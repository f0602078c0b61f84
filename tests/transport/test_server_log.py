"""What the server writes to the log about clients that misbehave.

A client that hangs up or breaks TLS mid-request is a line at INFO, not a
stack at WARNING or ERROR (hostile callers would fill the log with them); a
failure that is not about the client's socket keeps its stack. Lines about a
new connection never carry the correlation id of the worker's last request.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from regionnav import logs
from regionnav.config import Config
from regionnav.transport import build_server
from tests.transport.conftest import (
    TIMEOUT,
    Pki,
    call,
    client_context,
    config,
    echo,
)
from tests.transport.test_mtls import REFUSED

SERVER_LOG = "regionnav.transport.server"


def _logged(server_log: Callable[..., None], failure: BaseException) -> None:
    try:
        raise failure
    except BaseException:
        server_log("socket.error 8", logging.WARNING, traceback=True)


def test_client_socket_failure_is_one_line_without_stack(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=SERVER_LOG)
    server = build_server(config(pki), echo)

    _logged(server.error_log, ssl.SSLEOFError(8, "EOF occurred"))

    (record,) = [r for r in caplog.records if r.name == SERVER_LOG]
    assert record.levelno == logging.INFO
    assert record.exc_info is None


def test_other_failure_keeps_its_level_and_stack(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    server = build_server(config(pki), echo)

    _logged(server.error_log, RuntimeError("a bug"))

    (record,) = [r for r in caplog.records if r.name == SERVER_LOG]
    assert record.levelno == logging.WARNING
    assert record.exc_info is not None


@contextmanager
def serving(cfg: Config, app: Callable[..., Any]) -> Iterator[int]:
    server = build_server(cfg, app)
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield int(server.bind_addr[1])
    finally:
        server.stop()
        thread.join(TIMEOUT)


def correlated(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
    """Like the services: every request starts a correlation scope."""
    logs.new_correlation_id()
    return echo(environ, start_response)


def test_refused_handshake_does_not_carry_the_last_requests_correlation_id(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(logs.CorrelationFilter())
    # One worker: the refused connection lands on the thread that served.
    with serving(config(pki, threads=1), correlated) as port:
        call(port, client_context(pki, pki.client))
        with pytest.raises(REFUSED):
            call(port, client_context(pki, pki.expired))

    (refusal,) = [r for r in caplog.records if "refused" in r.getMessage()]
    assert refusal.correlation_id == "-"  # type: ignore[attr-defined]
