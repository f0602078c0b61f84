"""``regionnav audit ...`` through typer's CliRunner, on a store of the test's own."""

from __future__ import annotations

import json
import logging
import shlex
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from typer.testing import CliRunner, Result

from regionnav.audit import AuditTrail
from regionnav.cli import app
from regionnav.store.engine import open_engine
from regionnav.store.models import AuditRecord
from tests.audit.helpers import PEOPLE, entry


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "regionnav.toml"
    path.write_text('[store]\ndata_dir = "."\n', encoding="utf-8")
    assert invoke(path, "init").exit_code == 0
    return path


@pytest.fixture
def store(config: Path) -> Engine:
    engine = open_engine(f"sqlite:///{config.parent / 'regionnav.db'}")
    trail = AuditTrail(engine)
    trail.record([entry(PEOPLE[0]), entry(PEOPLE[1], "masked")])
    trail.record([entry(PEOPLE[0], "unmasked", consumer_id="SE2321000230-FULL")])
    return engine


def invoke(config: Path, command: str) -> Result:
    # The command points logging at its captured stderr; put the handlers back.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        return CliRunner().invoke(app, ["--config", str(config), *shlex.split(command)])
    finally:
        root.handlers[:], root.level = handlers, level


def test_verify_reports_an_intact_trail_and_its_anchor(
    config: Path, store: Engine
) -> None:
    result = invoke(config, "audit verify")

    assert result.exit_code == 0
    assert "3 records" in result.stdout
    anchor = result.stdout.split("anchor: ")[1].strip()
    assert invoke(config, f"audit verify --anchor {anchor}").exit_code == 0


def test_verify_names_the_first_bad_record_and_exits_non_zero(
    config: Path, store: Engine
) -> None:
    with store.begin() as connection:
        connection.execute(
            update(AuditRecord).where(AuditRecord.seq == 2).values(result="found")
        )

    result = invoke(config, "audit verify")

    assert result.exit_code == 1
    assert "broken at record 2" in result.stderr


def test_person_lists_who_looked(config: Path, store: Engine) -> None:
    result = invoke(config, f"audit person {PEOPLE[0]}")

    assert result.exit_code == 0
    assert "SE2321000230-JOUR" in result.stdout
    assert "SE2321000230-FULL" in result.stdout
    assert "unmasked" in result.stdout


def test_person_outside_the_period_has_no_access(config: Path, store: Engine) -> None:
    result = invoke(config, f"audit person {PEOPLE[0]} --to 2020-01-01")

    assert "no recorded access" in result.stdout


def test_export_writes_json_lines_to_the_file(
    config: Path, store: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "audit.jsonl"

    result = invoke(config, f"audit export --from 2020-01-01 --out {out}")

    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert result.exit_code == 0
    assert [line["seq"] for line in lines] == [1, 2, 3]
    assert "3 records written" in result.stderr


def test_export_without_a_file_writes_to_stdout(config: Path, store: Engine) -> None:
    result = invoke(config, "audit export")

    assert len(result.stdout.splitlines()) == 3


@pytest.mark.parametrize(
    "command", ["audit export --from yesterday", "audit verify --anchor 3"]
)
def test_malformed_option_is_refused(config: Path, command: str) -> None:
    assert invoke(config, command).exit_code == 2


@pytest.mark.parametrize(
    "period",
    [
        "--to 9999-12-31",
        "--from 0001-01-01T00:00+05:00",
        "--to 9999-12-31T23:59:59-05:00",
    ],
)
def test_a_period_beyond_the_calendar_is_refused(
    config: Path, store: Engine, period: str
) -> None:
    for command in ("audit export", f"audit person {PEOPLE[0]}"):
        result = invoke(config, f"{command} {period}")

        assert result.exit_code == 2
        assert "9999" in result.output


def test_a_moment_with_an_offset_is_read_in_utc(config: Path, store: Engine) -> None:
    # Recorded just now: a period ending an hour from now in UTC+02:00 holds
    # them, one ending an hour ago does not.
    ahead = (datetime.now(UTC) + timedelta(hours=1)).astimezone(
        timezone(timedelta(hours=2))
    )
    behind = (datetime.now(UTC) - timedelta(hours=1)).astimezone(
        timezone(timedelta(hours=2))
    )

    assert (
        len(
            invoke(config, f"audit export --to {ahead.isoformat()}").stdout.splitlines()
        )
        == 3
    )
    assert invoke(config, f"audit export --to {behind.isoformat()}").stdout == ""
