"""``regionnav consumers ...`` through typer's CliRunner, on a store of its own."""

from __future__ import annotations

import logging
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from regionnav.cli import app
from regionnav.consumers import Consumers, Scope
from regionnav.errors import ConsumerError
from regionnav.store.engine import open_engine

JOURNAL = "SE2321000230-JOUR"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "regionnav.toml"
    path.write_text('[store]\ndata_dir = "."\n', encoding="utf-8")
    assert invoke(path, "init").exit_code == 0
    return path


def invoke(config: Path, command: str) -> Result:
    # The command points logging at its captured stderr; put the handlers back.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return CliRunner().invoke(app, ["--config", str(config), *shlex.split(command)])
    finally:
        root.handlers[:], root.level = handlers, level


def registry(config: Path) -> Consumers:
    return Consumers(open_engine(f"sqlite:///{config.parent / 'regionnav.db'}"))


def add_journal(config: Path) -> None:
    result = invoke(
        config,
        f"consumers add {JOURNAL} --name Journal --contract persons --contract ping "
        "--address SE2321000230-RNAV --profile 2 --scope 25 --scope 0180 "
        "--from 2026-01-01 --to 2027-12-31",
    )
    assert result.exit_code == 0, result.output


def test_add_registers_the_consumer_as_given(config: Path) -> None:
    add_journal(config)

    shown = registry(config).show(JOURNAL)
    assert (shown.max_profile, shown.scope, shown.rights) == (
        2,
        Scope.of(["25", "0180"]),
        {("persons", "SE2321000230-RNAV"), ("ping", "SE2321000230-RNAV")},
    )


def test_show_prints_the_registration(config: Path) -> None:
    add_journal(config)

    result = invoke(config, f"consumers show {JOURNAL}")

    assert result.exit_code == 0
    assert "2026-01-01 to 2027-12-31" in result.stdout
    assert "persons @ SE2321000230-RNAV" in result.stdout


def test_list_names_every_consumer(config: Path) -> None:
    add_journal(config)
    invoke(config, "consumers add SE2321000230-AAAA")

    result = invoke(config, "consumers list")

    assert result.exit_code == 0
    assert JOURNAL in result.stdout
    assert "SE2321000230-AAAA" in result.stdout


def test_grant_unmasked_records_the_legal_basis(config: Path) -> None:
    add_journal(config)

    result = invoke(
        config, f"consumers grant {JOURNAL} --unmasked --legal-basis 'PDL 4 kap.'"
    )

    assert result.exit_code == 0
    assert registry(config).show(JOURNAL).legal_basis == "PDL 4 kap."


def test_grant_unmasked_without_legal_basis_fails(config: Path) -> None:
    add_journal(config)

    result = invoke(config, f"consumers grant {JOURNAL} --unmasked")

    assert result.exit_code != 0
    assert isinstance(result.exception, ConsumerError)
    assert registry(config).show(JOURNAL).unmasked is False


def test_revoke_withdraws_a_contract(config: Path) -> None:
    add_journal(config)

    result = invoke(config, f"consumers revoke {JOURNAL} --contract ping")

    assert result.exit_code == 0
    assert registry(config).show(JOURNAL).contracts() == ["persons"]


def test_remove_deletes_the_consumer(config: Path) -> None:
    add_journal(config)

    result = invoke(config, f"consumers remove {JOURNAL} --yes")

    assert result.exit_code == 0
    with pytest.raises(ConsumerError):
        registry(config).show(JOURNAL)


@pytest.mark.parametrize(
    "command",
    [
        f"consumers add {JOURNAL} --contract persons",
        f"consumers add {JOURNAL} --scope 2",
        f"consumers add {JOURNAL} --from 2026-13-01",
        f"consumers revoke {JOURNAL}",
    ],
)
def test_malformed_command_is_refused_without_a_change(
    config: Path, command: str
) -> None:
    before = registry(config).list()

    result = invoke(config, command)

    assert result.exit_code == 2
    assert registry(config).list() == before
