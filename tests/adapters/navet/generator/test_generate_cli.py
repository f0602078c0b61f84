"""``regionnav navet generate`` on the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from adapters.navet import generator
from regionnav.cli import app

SUMMARY = re.compile(r"^(\d+) persons, (\d+) posts -> (.+) in \d+\.\d s$")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(app, ["navet", "generate", *args])


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Through the console entry point, where errors become one line."""
    command = [sys.executable, "-m", "regionnav.cli", "navet", "generate", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_generate_writes_the_file_and_prints_one_summary_line(tmp_path: Path) -> None:
    out = tmp_path / "grund.xml"
    result = invoke("--persons", "60", "--lan", "25", "--out", str(out))
    assert result.exit_code == 0, result.output
    match = SUMMARY.match(result.stdout.strip())
    assert match and match.group(2) == "60" and match.group(3) == str(out)
    assert out.stat().st_size > 0


def test_changes_of_writes_an_avisering(tmp_path: Path) -> None:
    source, out = tmp_path / "grund.xml", tmp_path / "changes.xml"
    assert (
        invoke("--persons", "300", "--lan", "24", "--out", str(source)).exit_code == 0
    )
    result = invoke("--changes-of", str(source), "--seed", "3", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert SUMMARY.match(result.stdout.strip())
    assert b"ANDRINGSAVISERING" in out.read_bytes()


def test_more_persons_than_the_list_holds_is_said_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator, "expected_synthetic", lambda persons: 7)
    result = invoke("--persons", "20", "--lan", "25", "--out", str(tmp_path / "g.xml"))
    notes = result.stderr.strip().splitlines()
    assert result.exit_code == 0
    assert len(notes) == 1 and "7 persons" in notes[0] and "1840" in notes[0]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--persons", "10", "--lan", "99"], "no kommun table for län '99'"),
        (["--persons", "10"], "--persons and --lan are needed"),
        (["--persons", "0", "--lan", "25"], "--persons must be 1"),
        (["--persons", "many", "--lan", "25"], "--persons must be a whole number"),
        (["--persons", "10", "--lan", "25", "--seed", "x"], "--seed must be"),
        (["--persons", "10", "--lan", "25", "--kommun", "0180"], "kommun '0180'"),
        (["--persons", "10", "--lan", "25", "--encoding", "cp850"], "--encoding"),
    ],
)
def test_bad_arguments_fail_with_one_line(
    tmp_path: Path, args: list[str], reason: str
) -> None:
    out = tmp_path / "never.xml"
    result = run(*args, "--out", str(out))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1 and lines[0].startswith("regionnav: error: ")
    assert reason in lines[0]
    assert not out.exists()


def test_missing_out_fails_with_one_line() -> None:
    result = run("--persons", "10", "--lan", "25")
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1 and "--out" in lines[0]


def test_changes_of_a_missing_file_fails_with_one_line(tmp_path: Path) -> None:
    result = run(
        "--changes-of", str(tmp_path / "absent.xml"), "--out", str(tmp_path / "o.xml")
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1
