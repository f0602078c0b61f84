"""``regionnav audit ...``: check the chain, answer "who looked at me", export.

Times on the command line are UTC: a day (``2026-03-01``) or a moment
(``2026-03-01T08:00``). ``--from`` is inclusive; ``--to`` a day includes that
whole day, ``--to`` a moment is exclusive.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from regionnav.audit import AuditTrail, timestamp
from regionnav.cli.common import app, current_config, fail
from regionnav.store.migrate import open_store

audit_app = typer.Typer(
    help="The audit trail: verify it, who looked at a person, export.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")

Since = Annotated[str | None, typer.Option("--from", help="From (UTC day or moment).")]
Until = Annotated[str | None, typer.Option("--to", help="To (UTC day or moment).")]


def _trail() -> AuditTrail:
    return AuditTrail(open_store(current_config().store.database_url))


@audit_app.command("verify")
def verify(
    anchor: Annotated[
        str | None,
        typer.Option(
            help="SEQ:DIGEST from an earlier verify, kept outside the database."
        ),
    ] = None,
) -> None:
    """Walk the whole chain; exit 1 naming the first bad record if it is broken."""
    result = _trail().verify(_anchor(anchor) if anchor else None)
    if not result.intact:
        fail(f"audit trail broken at record {result.first_bad}: {result.reason}")
    seq, digest = result.head
    typer.echo(f"audit trail intact: {result.records} records")
    typer.echo(f"anchor: {seq}:{digest}")


@audit_app.command("person")
def person(
    person_id: Annotated[
        str, typer.Argument(help="Personnummer or samordningsnummer.")
    ],
    since: Since = None,
    until: Until = None,
) -> None:
    """Every recorded access to one person: who, when, through what, what result."""
    entries = _trail().person(person_id, _start(since), _end(until))
    if not entries:
        typer.echo("no recorded access in that period")
        return
    rows = [
        (
            timestamp(entry.at)[:19].replace("T", " "),
            entry.consumer_id,
            entry.contract,
            entry.result,
            entry.logical_address,
            entry.correlation_id,
        )
        for entry in entries
    ]
    # Plain columns, never wrapped: the lines are copied into answers to citizens.
    header = ("time (UTC)", "consumer", "contract", "result", "address", "correlation")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        typer.echo("  ".join(cells).rstrip())


@audit_app.command("export")
def export(
    since: Since = None,
    until: Until = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default stdout).")
    ] = None,
) -> None:
    """Write the records as JSON lines, oldest first, with their digests."""
    trail = _trail()
    if out is None:
        trail.export(sys.stdout, _start(since), _end(until))
        return
    with out.open("w", encoding="utf-8") as stream:
        count = trail.export(stream, _start(since), _end(until))
    typer.echo(f"{count} records written to {out}", err=True)


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise typer.BadParameter("expected SEQ:DIGEST", param_hint="--anchor")
    return int(seq), digest.lower()


def _start(text: str | None) -> datetime | None:
    return None if text is None else _moment(text, "--from", end_of_day=False)


def _end(text: str | None) -> datetime | None:
    return None if text is None else _moment(text, "--to", end_of_day=True)


def _moment(text: str, option: str, end_of_day: bool) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError as exc:
        raise typer.BadParameter("not a day or moment", param_hint=option) from exc
    # The day after 9999-12-31, or a moment whose UTC time is outside the years
    # 1 to 9999: Python's calendar ends there.
    except OverflowError as exc:
        beyond = (
            "a day up to 9999-12-30 (the period ends where the next day begins)"
            if len(text) == 10
            else "a moment within the years 1 to 9999 in UTC"
        )
        raise typer.BadParameter(f"expected {beyond}", param_hint=option) from exc
