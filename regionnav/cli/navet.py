"""``regionnav navet generate``: realistic Navet deliveries for tests and demos."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from adapters.navet import generator
from regionnav.cli.common import app
from regionnav.errors import GenerationError

navet = typer.Typer(help="Navet deliveries.", no_args_is_help=True)
app.add_typer(navet, name="navet")

# Below this many posts the file is written before a bar could be read.
PROGRESS_FROM = 20_000


def _whole_number(option: str) -> Callable[[str | int], int]:
    # typer reports a bad integer as a multi-line usage box; a GenerationError
    # reaches main() and becomes the one line every command failure is.
    def parse(value: str | int) -> int:
        if isinstance(value, int):
            return value  # the default
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise GenerationError(f"{option} must be a whole number")
        return int(text)

    return parse


@navet.command()
def generate(
    *,
    out: Annotated[
        Path | None, typer.Option("--out", metavar="FILE", help="File to write.")
    ] = None,
    persons: Annotated[
        int | None,
        typer.Option(
            "--persons",
            parser=_whole_number("--persons"),
            metavar="N",
            help="Posts in a grunduttag; with --changes-of, persons to change.",
        ),
    ] = None,
    lan: Annotated[
        str | None,
        typer.Option("--lan", metavar="LL", help="Län code, e.g. 25 (Norrbotten)."),
    ] = None,
    kommun: Annotated[
        str | None,
        typer.Option("--kommun", metavar="KKKK", help="Only this kommun (4 digits)."),
    ] = None,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            parser=_whole_number("--seed"),
            metavar="S",
            help="Same seed, same bytes.",
        ),
    ] = 1,
    changes_of: Annotated[
        Path | None,
        typer.Option(
            "--changes-of",
            metavar="FILE",
            help="Write an ändringsavisering for the persons in FILE.",
        ),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding", metavar="iso-8859-1|utf-8", help="Navet uses iso-8859-1."
        ),
    ] = "iso-8859-1",
) -> None:
    """Write a Navet delivery built from Skatteverket's test personnummer.

    Without --changes-of: a grunduttag of --persons posts in --lan. With it:
    an ändringsavisering of realistic changes to the persons in FILE.
    """
    started = time.perf_counter()
    if out is None:
        raise GenerationError("--out is needed: the file to write")
    if not out.name or out.is_dir():
        raise GenerationError(f"--out must name a file, not the directory {out}")
    if changes_of is not None:
        changes = generator.ChangeOrder(changes_of, persons, lan, seed, encoding)
        summary = generator.generate_changes(changes, out)
    else:
        if persons is None or lan is None:
            raise GenerationError("--persons and --lan are needed for a grunduttag")
        order = generator.Order(persons, lan, kommun, seed, encoding)
        _note_synthetic(persons)
        with _progress(persons) as advance:
            summary = generator.generate(order, out, advance)

    seconds = time.perf_counter() - started
    typer.echo(
        f"{summary.persons} persons, {summary.posts} posts -> {summary.path} "
        f"in {seconds:.1f} s"
    )


def _note_synthetic(persons: int) -> None:
    extra = generator.expected_synthetic(persons)
    if extra:
        print(
            f"regionnav: note: the test personnummer list is used up; {extra} "
            "persons get Luhn-valid numbers born before 1840 (never issued)",
            file=sys.stderr,
        )


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    console = Console(stderr=True)
    if total < PROGRESS_FROM or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("generating"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} posts"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("generate", total=total)
        yield lambda done: bar.advance(task, done)
