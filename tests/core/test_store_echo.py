"""``store.echo`` logs the SQL statements on stderr, never their bound values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PERSON = "191212121212"  # Skatteverket's test personnummer


def regionnav(
    *arguments: str, cwd: Path, echo: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("REGIONNAV")}
    if echo is not None:
        environment["REGIONNAV_STORE_ECHO"] = echo
    return subprocess.run(
        [sys.executable, "-m", "regionnav.cli", "-c", "regionnav.toml", *arguments],
        capture_output=True, text=True, cwd=cwd, env=environment, timeout=120,
        check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("echo")
    regionnav("init", "--data-dir", ".", "--port", "18443", cwd=directory)
    return directory


def test_echo_logs_statements_without_their_values(hub: Path) -> None:
    result = regionnav("audit", "person", PERSON, cwd=hub, echo="true")

    assert "SELECT" in result.stderr
    assert "audit_trail" in result.stderr
    assert PERSON not in result.stderr
    # Commands write their output on stdout; the statements stay off it.
    assert "SELECT" not in result.stdout


def test_without_echo_no_statement_is_logged(hub: Path) -> None:
    result = regionnav("audit", "person", PERSON, cwd=hub)

    assert "SELECT" not in result.stderr
