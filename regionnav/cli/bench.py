"""``regionnav bench``: benchmarks that print figures."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regionnav.cli.common import app

bench = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)
app.add_typer(bench, name="bench")

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@bench.command("import")
def bench_import(
    persons: Annotated[int, typer.Option(help="Persons in the large file.")] = 200_000,
    small: Annotated[
        int, typer.Option(help="Persons in the small file (memory growth check).")
    ] = 50_000,
    postgres_url: Annotated[
        str, typer.Option(help="PostgreSQL server for a scratch database; '' skips.")
    ] = DEFAULT_POSTGRES,
    workdir: Annotated[
        Path | None, typer.Option(help="Keep the generated files here.")
    ] = None,
) -> None:
    """Import throughput on SQLite and PostgreSQL beside a bare lxml parse.

    Runs every step for a small and a large generated delivery, so that the
    peak memory of both sizes can be compared.
    """
    from regionnav.bench import imports

    console = Console()
    with tempfile.TemporaryDirectory(prefix="regionnav-bench-") as scratch:
        folder = workdir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        table = Table(
            "persons", "step", "seconds", "posts/s", "× bare parse", "peak RSS MB",
            title="Import of generated Navet deliveries",
        )  # fmt: skip
        for size in sorted({small, persons}):
            delivery = folder / f"bench-{size}.xml"
            if not delivery.exists():
                console.print(f"generating {size:,} persons …")
                imports.generate(size, delivery)
            console.print(
                f"measuring {delivery.name} ({delivery.stat().st_size / 1e6:.0f} MB) …"
            )
            figures = imports.run(delivery, postgres_url or None)
            floor = figures[0].seconds
            for row in figures:
                table.add_row(
                    f"{size:,}", row.step, f"{row.seconds:.2f}", f"{row.rate:,.0f}",
                    f"{row.seconds / floor:.2f}", f"{row.peak_rss_mb:.0f}",
                )  # fmt: skip
        console.print(table)
