"""A delivery's journey through the command line, as an administrator runs it.

``regionnav navet generate --persons 40000 --lan 25 --seed 1`` must validate
against Skatteverket's official schema and import into SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from regionnav.bench.imports import scratch_database
from tests.conftest import POSTGRES_URL

SCHEMA = (
    Path(__file__).parents[2].parent
    / "shared/navet/skatteverket-epersondata/v4-na_webservices_xmls.7_2.28-2023"
    / "schema/Navetavisering.xsd"
)


def regionnav(*arguments: str, cwd: Path, database_url: str | None = None) -> str:
    environment = dict(os.environ)
    environment.pop("REGIONNAV_CONFIG", None)
    if database_url:
        environment["REGIONNAV_DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "regionnav.cli", *arguments],
        capture_output=True, text=True, env=environment, cwd=cwd, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("journey") / "x.xml"
    regionnav("navet", "generate", "--persons", "40000", "--lan", "25", "--seed", "1",
              "--out", str(out), cwd=out.parent)  # fmt: skip
    return out


@pytest.mark.slow
def test_generated_delivery_of_40000_persons_is_valid_against_the_official_schema(
    delivery: Path,
) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.parse(str(delivery))

    assert schema.validate(document), schema.error_log.last_error
    assert len(document.getroot()[1]) == 40000


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_generated_delivery_imports_and_is_listed(
    delivery: Path, backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        import_and_list(delivery, f"sqlite:///{tmp_path}/journey.db", tmp_path)
        return
    request.getfixturevalue(
        "postgres_url"
    )  # skips, or fails under CI, without a server
    with scratch_database(POSTGRES_URL) as url:
        import_and_list(delivery, url, tmp_path)


def import_and_list(delivery: Path, url: str, folder: Path) -> None:
    regionnav("init", cwd=folder, database_url=url)
    first = regionnav("import", str(delivery), cwd=folder, database_url=url)
    second = regionnav("import", str(delivery), cwd=folder, database_url=url)
    listed = regionnav("deliveries", cwd=folder, database_url=url)

    assert "40000 posts, 40000 new, 0 changed, 0 unchanged" in first
    assert "already imported" in second
    assert "x.xml" in listed
