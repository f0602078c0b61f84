"""The command line fails in one line with a non-zero exit, never a traceback.

Run as the console script runs (``regionnav.cli.main`` in a fresh process),
since the one-line rule is kept there. The cases once ended in a traceback:
an unknown log level, and the system refusing something the command needed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regionnav.cli import app


def regionnav(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    script = "from regionnav.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", script, *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("regionnav: error: ")
    return line


def test_unknown_log_level_is_one_line(tmp_path: Path) -> None:
    result = regionnav("--log-level", "LOUD", "deliveries", cwd=tmp_path)

    assert "--log-level" in one_line_failure(result)
    assert result.returncode == 2


@pytest.mark.parametrize("target", ["missing/delivery.xml", "."])
def test_file_the_system_refuses_to_write_is_one_line(
    tmp_path: Path, target: str
) -> None:
    result = regionnav(
        "navet", "generate", "--persons", "3", "--lan", "25", "--out", target,
        cwd=tmp_path,
    )  # fmt: skip

    one_line_failure(result)


def test_init_refuses_a_port_out_of_range_and_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "regionnav.toml"

    result = CliRunner().invoke(
        app, ["--config", str(config), "init", "--port", "70000"]
    )

    assert result.exit_code == 2
    assert not config.exists()


def test_init_refuses_a_store_restored_without_its_trail(tmp_path: Path) -> None:
    arguments = ("-c", "regionnav.toml", "init", "--data-dir", ".", "--port", "18444")
    assert regionnav(*arguments, cwd=tmp_path).returncode == 0
    for left in tmp_path.glob("regionnav-audit.db*"):
        left.unlink()

    line = one_line_failure(regionnav(*arguments, cwd=tmp_path))

    assert "holds no trail" in line
