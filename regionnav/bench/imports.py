"""Import throughput against a bare lxml parse, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from regionnav.errors import RegionnavError


@dataclass(frozen=True)
class Figures:
    step: str
    posts: int
    seconds: float
    peak_rss_mb: float

    @property
    def rate(self) -> float:
        return self.posts / self.seconds if self.seconds else 0.0


def generate(persons: int, out: Path, seed: int = 1) -> None:
    """Write a realistic delivery with ``regionnav navet generate``."""
    _run([
        sys.executable, "-m", "regionnav.cli", "navet", "generate",
        "--persons", str(persons), "--lan", "25", "--seed", str(seed),
        "--out", str(out),
    ])  # fmt: skip


def measure(step: str, arguments: list[str]) -> Figures:
    output = _run([sys.executable, "-m", "regionnav.bench.child", *arguments])
    figures = json.loads(output.strip().splitlines()[-1])
    return Figures(step, figures["posts"], figures["seconds"], figures["peak_rss_mb"])


def run(delivery: Path, postgres_url: str | None) -> list[Figures]:
    """Time a bare parse, then an import into a fresh SQLite and PostgreSQL store."""
    results = [measure("bare lxml parse", ["parse", str(delivery)])]
    with tempfile.TemporaryDirectory(prefix="regionnav-bench-") as scratch:
        sqlite_url = f"sqlite:///{scratch}/bench.db"
        results.append(measure("import, SQLite", ["import", sqlite_url, str(delivery)]))
    if postgres_url:
        with scratch_database(postgres_url) as url:
            results.append(
                measure("import, PostgreSQL", ["import", url, str(delivery)])
            )
    return results


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    """A PostgreSQL database that exists only for the duration of the block."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"regionnav_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(command: list[str]) -> str:
    # Our own interpreter and arguments only: nothing here comes from a caller.
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RegionnavError(f"benchmark step failed: {last}")
    return done.stdout
