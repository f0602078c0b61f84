"""``regionnav bench``: benchmarks that print figures."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regionnav.bench.load import Result, single
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


@bench.command("lookups")
def bench_lookups(
    *,
    persons: Annotated[int, typer.Option(help="Persons in the mirror.")] = 200_000,
    workdir: Annotated[
        Path, typer.Option(help="Where the benchmark hub and its data live.")
    ] = Path("var/bench"),
    seconds: Annotated[float, typer.Option(help="Measured seconds per run.")] = 5.0,
    clients: Annotated[
        str, typer.Option(help="Concurrent clients, comma-separated.")
    ] = "1,8,32",
    server_threads: Annotated[
        int, typer.Option(help="Worker threads of every server process measured.")
    ] = 48,
    server_processes: Annotated[
        int, typer.Option(help="Processes of every server measured.")
    ] = 1,
) -> None:
    """Lookups per second and latency over mutual TLS, beside the stack's floor.

    Single-id LookupResidentForFullProfile and GetPersonsForProfile P2 with the
    audit trail on and off, a fixed pre-rendered answer on the same server, and
    one 1000-id LookupResidentForFullProfile call.
    """
    from regionnav.bench import imports, lookups, requests

    console = Console()
    levels = [int(level) for level in clients.split(",") if level.strip()]
    workdir.mkdir(parents=True, exist_ok=True)
    delivery = workdir / f"bench-{persons}.xml"
    if not delivery.exists():
        console.print(f"generating {persons:,} persons …")
        imports.generate(persons, delivery)
    console.print("preparing the hub (init, import) …")
    hub = lookups.prepare(workdir, delivery)
    ids = lookups.sample_ids(hub, 5000)
    bodies = {
        requests.RESIDENTMASTER: [
            requests.residentmaster(hub.hsa_id, [i]) for i in ids
        ],
        requests.GET_PERSONS: [
            requests.get_persons(hub.hsa_id, [i], "P2") for i in ids
        ],
    }

    shape = lookups.Shape(server_threads, server_processes)
    with contextlib.ExitStack() as running:
        # All three at once, each on a port of its own, so that every row is
        # measured right beside the floor it is divided by: a shared machine's
        # speed drifts by more than the differences measured here.
        floor_port = running.enter_context(lookups.server(hub, "floor", shape))
        ports = {
            audit: running.enter_context(
                lookups.server(hub, "regionnav", shape, audit=audit, port=0)
            )
            for audit in (True, False)
        }
        floor_target = hub.target(requests.RESIDENTMASTER, floor_port)
        floor_bodies = bodies[requests.RESIDENTMASTER]
        lookups.warm_up(floor_target, floor_bodies)
        for port in ports.values():
            for operation, sample in bodies.items():
                lookups.warm_up(hub.target(operation, port), sample)

        floor_row = ("floor (fixed answer)", "same request")
        rows: dict[tuple[str, str], list[tuple[Result, float]]] = {floor_row: []}
        for audit in ports:
            for operation in bodies:
                rows[_label(audit), operation.name] = []
        for level in levels:
            console.print(f"{level} clients …")
            before = lookups.measure(floor_target, floor_bodies, level, seconds)
            measured = {
                (audit, operation): lookups.measure(
                    hub.target(operation, port), sample, level, seconds
                )
                for audit, port in ports.items()
                for operation, sample in bodies.items()
            }
            after = lookups.measure(floor_target, floor_bodies, level, seconds)
            floor = lookups.together(before, after)
            rows[floor_row].append((floor, 1.0))
            for (audit, operation), result in measured.items():
                share = result.rate / floor.rate
                rows[_label(audit), operation.name].append((result, share))

        table = Table(
            "server", "operation", "clients", "requests", "req/s", "p50 ms",
            "p99 ms", "errors", "÷ floor",
            title=f"Lookups over mutual TLS, {persons:,} persons",
        )  # fmt: skip
        for (server, operation_name), results in rows.items():
            for result, share in results:
                _row(table, server, operation_name, result, share)
        console.print(table)
        console.print(
            "÷ floor: the row's requests per second over the floor's at the same "
            "number of clients, measured just before and just after it."
        )

        big = requests.residentmaster(hub.hsa_id, ids[:1000])
        big_target = hub.target(requests.RESIDENTMASTER, ports[True])
        timings = sorted(single(big_target, big, repeat=5))
    console.print(
        f"one 1000-id LookupResidentForFullProfile call (audit on): median "
        f"{timings[len(timings) // 2]:.2f} s, slowest {timings[-1]:.2f} s of "
        f"{len(timings)}"
    )


def _label(audit: bool) -> str:
    return f"regionnav, audit {'on' if audit else 'off'}"


def _row(
    table: Table, server: str, operation: str, result: Result, share: float
) -> None:
    table.add_row(
        server, operation, str(result.clients), str(len(result.latencies)),
        f"{result.rate:,.0f}", f"{result.percentile(0.5) * 1000:.1f}",
        f"{result.percentile(0.99) * 1000:.1f}", str(result.errors), f"{share:.2f}",
    )  # fmt: skip
