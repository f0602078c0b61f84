"""Commands that set up and inspect the store: ``init`` and ``deliveries``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.engine import make_url

from regionnav.cli.common import app, config_path, current_config
from regionnav.store.migrate import open_store
from regionnav.store.models import Delivery


@app.command()
def init(
    data_dir: Annotated[
        str, typer.Option(help="Data directory, relative to the config file.")
    ] = "var",
    port: Annotated[
        int,
        typer.Option(min=1, max=65535, help="HTTPS port for `regionnav serve`."),
    ] = 8443,
) -> None:
    """Set up a working local hub: configuration, database, certificates, consumer.

    Safe to repeat: what exists is kept, and only what is missing or about to
    expire is made anew.
    """
    from regionnav.localsetup import initialise

    path = config_path()
    result = initialise(path, data_dir=data_dir, port=port)
    certificates = result.certificates
    written = "written" if result.config_written else "kept"
    typer.echo(f"configuration {written}: {result.config_path}")
    typer.echo(f"store ready: {make_url(result.database_url).render_as_string()}")
    typer.echo(f"CA: {certificates.ca_certificate}")
    typer.echo(f"server certificate: {certificates.server_certificate}")
    typer.echo(
        f"demo consumer {certificates.client_hsa_id}: {certificates.client_certificate}"
        f" ({'registered' if result.consumer_registered else 'already registered'})"
    )
    if not result.server_configured:
        # A configuration written by hand, kept as it is: say what serve needs.
        typer.echo(
            f"note: {path} has no server certificate; for `regionnav serve` set "
            f"[server] certfile = {certificates.server_certificate}, keyfile = "
            f"{certificates.server_key}, client_ca = {certificates.ca_certificate}, "
            f"crl = {certificates.crl}",
            err=True,
        )


@app.command()
def deliveries() -> None:
    """List the Navet deliveries that were imported, oldest first."""
    engine = open_store(current_config().store.database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(Delivery).order_by(Delivery.id)).all()

    table = Table(box=None if not sys.stdout.isatty() else box.HEAVY_HEAD)
    for heading in ("id", "file", "sha256", "kind", "posts", "new", "changed",
                    "unchanged", "imported (UTC)", "seconds", "result"):  # fmt: skip
        table.add_column(heading, no_wrap=True)
    for row in rows:
        table.add_row(
            str(row.id), row.filename, row.checksum[:12], row.kind, str(row.posts),
            str(row.new), str(row.changed), str(row.unchanged),
            row.finished_at.strftime("%Y-%m-%d %H:%M:%S"), f"{row.seconds:.1f}",
            row.result,
        )  # fmt: skip
    # Piped output keeps whole lines: nothing is cut to fit 80 columns.
    Console(width=None if sys.stdout.isatty() else 250).print(table)
