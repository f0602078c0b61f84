"""``regionnav serve``: every contract over HTTPS with client certificates."""

from __future__ import annotations

import logging

import typer

from regionnav import xmlsafe
from regionnav.cli.common import app, current_config
from regionnav.store import open_store
from regionnav.transport import build_server
from services.app import build_app

logger = logging.getLogger(__name__)


@app.command()
def serve() -> None:
    """Serve the RIV-TA contracts on server.host:server.port until interrupted.

    Mutual TLS with the certificates of the server section (server.tls =
    false only behind a TLS-terminating proxy). One log line per request
    served is written at INFO, without personal data.
    """
    cfg = current_config()
    xmlsafe.check_libxml2_pair()
    engine = open_store(cfg.store.database_url, pool_size=cfg.server.threads)
    services = build_app(cfg, engine)
    server = build_server(cfg, services)

    # The request lines are the service's business events: show them unless
    # the operator asked for more or less through --log-level.
    if logging.getLogger().level == logging.WARNING:
        logging.getLogger("services").setLevel(logging.INFO)

    server.prepare()
    scheme = "https" if cfg.server.tls else "http"
    host, port = server.bind_addr[:2]
    typer.echo(f"Regionnav serving on {scheme}://{host}:{port}")
    for path in services.endpoints:
        typer.echo(f"  {path}")
    try:
        server.serve()
    except KeyboardInterrupt:
        typer.echo("stopping")
    finally:
        server.stop()
        engine.dispose()
