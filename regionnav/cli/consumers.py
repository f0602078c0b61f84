"""``regionnav consumers ...``: who may call the hub, for what, about whom.

A thin layer over :class:`regionnav.consumers.Consumers`. A running server sees
a change within its policy cache time (5 s by default).
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from regionnav.cli.common import app, current_config
from regionnav.consumers import ANY_ADDRESS, CONTRACTS, Consumers, Registration, Scope
from regionnav.consumers import today as swedish_today
from regionnav.store.migrate import open_store

consumers_app = typer.Typer(
    help="Registered consumers: contracts, addresses, profile, scope, period.",
    no_args_is_help=True,
)
app.add_typer(consumers_app, name="consumers")

ConsumerId = Annotated[str, typer.Argument(help="The id in its certificate (HSA-id).")]
Contracts = Annotated[
    list[str] | None,
    typer.Option("--contract", help=f"Contract ({', '.join(CONTRACTS)}); repeatable."),
]
Addresses = Annotated[
    list[str] | None,
    typer.Option(
        "--address",
        help=f"Logical address, or '{ANY_ADDRESS}' for all the hub's; repeatable.",
    ),
]
Profile = Annotated[int | None, typer.Option("--profile", help="Highest profile, 1-5.")]
ScopeCodes = Annotated[
    list[str] | None,
    typer.Option(
        "--scope", help="Län (2 digits) or kommun (4 digits), or '*'; repeatable."
    ),
]
From = Annotated[str | None, typer.Option("--from", help="First active day.")]
To = Annotated[str | None, typer.Option("--to", help="Last active day.")]
Unmasked = Annotated[
    bool,
    typer.Option("--unmasked", help="Right to unmasked records of protected persons."),
]
LegalBasis = Annotated[
    str | None,
    typer.Option("--legal-basis", help="Required with --unmasked: why it is lawful."),
]


def _registry() -> Consumers:
    return Consumers(open_store(current_config().store.database_url))


@consumers_app.command("add")
def add(
    consumer_id: ConsumerId,
    *,
    name: Annotated[str, typer.Option(help="What the system is.")] = "",
    contract: Contracts = None,
    address: Addresses = None,
    profile: Profile = None,
    scope: ScopeCodes = None,
    active_from: From = None,
    active_to: To = None,
    unmasked: Unmasked = False,
    legal_basis: LegalBasis = None,
) -> None:
    """Register a consumer (from today, everyone in scope, profile 1 by default)."""
    registration = Registration(
        consumer_id=consumer_id.strip(),
        name=name,
        max_profile=profile or 1,
        scope=_scope(scope) or Scope(),
        active_from=_day(active_from, "--from") or swedish_today(),
        active_to=_day(active_to, "--to"),
        unmasked=unmasked,
        legal_basis=legal_basis,
        rights=_rights(contract, address),
    )
    _print(_registry().add(registration))


@consumers_app.command("list")
def list_() -> None:
    """Every registered consumer, one line each."""
    registrations = _registry().list()
    table = Table(
        "consumer", "name", "profile", "scope", "active", "unmasked", "rights"
    )
    # Ids are what an administrator copies: never fold or cut them.
    longest = max((len(r.consumer_id) for r in registrations), default=8)
    table.columns[0].min_width = longest
    day = swedish_today()
    for item in registrations:
        table.add_row(
            item.consumer_id,
            item.name,
            str(item.max_profile),
            _scope_text(item.scope),
            _period(item) + ("" if item.active_on(day) else " (inactive)"),
            "yes" if item.unmasked else "no",
            ", ".join(f"{c}@{a}" for c, a in sorted(item.rights)),
        )
    # Piped output keeps whole lines: nothing is cut to fit 80 columns.
    Console(width=None if sys.stdout.isatty() else 250).print(table)


@consumers_app.command("show")
def show(consumer_id: ConsumerId) -> None:
    """One consumer's registration in full, legal basis included."""
    _print(_registry().show(consumer_id))


@consumers_app.command("grant")
def grant(
    consumer_id: ConsumerId,
    *,
    contract: Contracts = None,
    address: Addresses = None,
    profile: Profile = None,
    scope: ScopeCodes = None,
    active_from: From = None,
    active_to: To = None,
    unmasked: Unmasked = False,
    legal_basis: LegalBasis = None,
    name: Annotated[str | None, typer.Option(help="What the system is.")] = None,
) -> None:
    """Add contracts at addresses, or change profile, scope, period, unmasked right."""
    changed = _registry().grant(
        consumer_id,
        _rights(contract, address),
        name=name,
        max_profile=profile,
        scope=_scope(scope),
        active_from=_day(active_from, "--from"),
        active_to=_day(active_to, "--to"),
        unmasked=True if unmasked else None,
        legal_basis=legal_basis,
    )
    _print(changed)


@consumers_app.command("revoke")
def revoke(
    consumer_id: ConsumerId,
    contract: Contracts = None,
    address: Addresses = None,
    unmasked: Annotated[
        bool, typer.Option("--unmasked", help="Withdraw the unmasked right.")
    ] = False,
) -> None:
    """Withdraw contracts (everywhere or at some addresses) or the unmasked right."""
    if not (contract or address or unmasked):
        raise typer.BadParameter("name --contract, --address or --unmasked")
    _print(_registry().revoke(consumer_id, contract or (), address or (), unmasked))


@consumers_app.command("remove")
def remove(
    consumer_id: ConsumerId,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False,
) -> None:
    """Delete a registration. Its audit records stay."""
    registry = _registry()
    registry.show(consumer_id)
    if not yes:
        typer.confirm(f"Remove consumer {consumer_id}?", abort=True)
    registry.remove(consumer_id)
    typer.echo(f"consumer {consumer_id} removed")


def _rights(
    contracts: list[str] | None, addresses: list[str] | None
) -> frozenset[tuple[str, str]]:
    if bool(contracts) != bool(addresses):
        raise typer.BadParameter(
            f"--contract and --address go together ('--address {ANY_ADDRESS}' "
            "for every address this hub answers for)"
        )
    return frozenset((c, a) for c in contracts or () for a in addresses or ())


def _scope(codes: list[str] | None) -> Scope | None:
    if not codes:
        return None
    try:
        return Scope.of(codes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--scope") from exc


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter("not a date (YYYY-MM-DD)", param_hint=option) from exc


def _print(item: Registration) -> None:
    basis = f"yes; legal basis: {item.legal_basis}" if item.unmasked else "no"
    rights = [f"{c} @ {a}" for c, a in sorted(item.rights)] or ["(none)"]
    lines = [
        ("consumer", item.consumer_id),
        ("name", item.name or "-"),
        ("active", _period(item)),
        ("profile", str(item.max_profile)),
        ("scope", _scope_text(item.scope)),
        ("unmasked", basis),
        ("rights", rights[0]),
        *(("", right) for right in rights[1:]),
    ]
    for label, value in lines:
        typer.echo(f"{label:<10} {value}")


def _period(item: Registration) -> str:
    return f"{item.active_from} to {item.active_to or '(open)'}"


def _scope_text(scope: Scope) -> str:
    return (
        "everyone" if scope.everyone else ", ".join(sorted(scope.lan | scope.kommuner))
    )
