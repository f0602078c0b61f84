"""Commands that set up and inspect the store: ``init`` and ``deliveries``."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from regionnav.cli.common import app, current_config
from regionnav.store import open_engine, upgrade
from regionnav.store.models import Delivery


@app.command()
def init() -> None:
    """Create the data directory and bring the database schema up to date."""
    cfg = current_config()
    engine = open_engine(cfg.store.database_url)
    upgrade(engine)
    typer.echo(f"store ready: {engine.url.render_as_string(hide_password=True)}")


@app.command()
def deliveries() -> None:
    """List the Navet deliveries that were imported, oldest first."""
    engine = open_engine(current_config().store.database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(Delivery).order_by(Delivery.id)).all()

    table = Table(
        "id",
        "file",
        "sha256",
        "kind",
        "posts",
        "new",
        "changed",
        "unchanged",
        "imported",
        "seconds",
        "result",
    )
    for row in rows:
        table.add_row(
            str(row.id),
            row.filename,
            row.checksum[:12],
            row.kind,
            str(row.posts),
            str(row.new),
            str(row.changed),
            str(row.unchanged),
            row.finished_at.strftime("%Y-%m-%d %H:%M:%S"),
            f"{row.seconds:.1f}",
            row.result,
        )
    Console().print(table)
