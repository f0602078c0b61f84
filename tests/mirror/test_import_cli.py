"""``regionnav import`` checks every named file before it imports the first."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from regionnav.cli import app
from regionnav.config import load
from regionnav.store.engine import open_engine
from regionnav.store.migrate import upgrade
from regionnav.store.models import Delivery
from tests.mirror.deliveries import ADULT, PostSpec, write


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "regionnav.toml"
    path.write_text(f'[store]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    engine = open_engine(load(path, environ={}).store.database_url)
    upgrade(engine)
    engine.dispose()
    return path


def deliveries(config: Path) -> int:
    engine = open_engine(load(config, environ={}).store.database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(Delivery))
        found = int(count.scalar_one())
    engine.dispose()
    return found


@pytest.mark.parametrize(
    ("name", "reason"),
    [("missing.xml", "no such file"), ("folder", "not a regular file")],
)
def test_file_that_cannot_be_imported_stops_the_command_before_any_import(
    config: Path, tmp_path: Path, name: str, reason: str
) -> None:
    good = write(tmp_path / "good.xml", [PostSpec(ADULT)])
    (tmp_path / "folder").mkdir()
    arguments = ["--config", str(config), "import", str(good), str(tmp_path / name)]

    result = CliRunner().invoke(app, arguments)

    assert result.exit_code != 0
    assert reason in str(result.exception)
    assert deliveries(config) == 0
