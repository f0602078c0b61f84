"""``regionnav serve``: every contract over HTTPS with client certificates."""

from __future__ import annotations

import logging
from collections.abc import Callable

import typer
from cheroot import wsgi

from regionnav import logs, xmlsafe
from regionnav.cli.common import app, current_config
from regionnav.config import Config
from regionnav.store.migrate import open_store
from regionnav.transport import processes
from regionnav.transport.middleware import WsgiApp
from services.app import build_app

logger = logging.getLogger(__name__)


@app.command()
def serve() -> None:
    """Serve the RIV-TA contracts on server.host:server.port until interrupted.

    Mutual TLS with the certificates of the server section (server.tls =
    false only behind a TLS-terminating proxy). With server.processes above
    1, that many processes share the port, each with server.threads threads.
    One log line per request served is written at INFO, without personal data.
    """
    cfg = current_config()
    xmlsafe.check_libxml2_pair()

    def announce(server: wsgi.Server, services: WsgiApp) -> None:
        scheme = "https" if cfg.server.tls else "http"
        host, port = server.bind_addr[:2]
        typer.echo(f"Regionnav serving on {scheme}://{host}:{port}")
        for path in getattr(services, "endpoints", ()):
            typer.echo(f"  {path}")

    try:
        processes.serve(cfg, regionnav_app, announce)
    except KeyboardInterrupt:
        typer.echo("stopping")


def regionnav_app(cfg: Config) -> tuple[WsgiApp, Callable[[], None]]:
    """The contracts over the store, for one serving process."""
    # The request lines are the service's business events: show them unless
    # the operator asked for more or less through --log-level.
    if logging.getLogger().level == logging.WARNING:
        logging.getLogger("services").setLevel(logging.INFO)
    logs.show_sql(cfg.store.echo)
    engine = open_store(cfg.store.database_url, pool_size=cfg.server.threads)
    return build_app(cfg, engine), engine.dispose
