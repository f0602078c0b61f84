"""``regionnav import``: apply Navet deliveries to the mirror."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from regionnav.cli.common import app, current_config
from regionnav.errors import DeliveryError
from regionnav.store.migrate import open_store


@app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="Navet delivery files (XML).")],
) -> None:
    """Import Navet deliveries, each file whole or not at all, in the given order."""
    # Imported here so that other commands start without the Navet reader.
    from regionnav import mirror

    engine = open_store(current_config().store.database_url)
    # All files are checked before the first is imported: a mistyped third
    # name must not leave the first two imported and the rest not.
    for path in files:
        if not path.is_file():
            reason = "not a regular file" if path.exists() else "no such file"
            raise DeliveryError(str(path), reason)
    console = Console(stderr=True)
    for path in files:
        with _progress_bar(console) as bar:
            task = bar.add_task(path.name, total=None)

            def advance(done: int, total: int | None, task: TaskID = task) -> None:
                bar.update(task, completed=done, total=total)

            summary = mirror.import_delivery(engine, path, progress=advance)
        typer.echo(summary.line())


def _progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
