"""Shared fixtures: a migrated store on SQLite and on PostgreSQL.

The PostgreSQL tests run against ``REGIONNAV_TEST_POSTGRES_URL`` (default: the
local server's ``test`` database). Each test session gets a database of its own,
created and dropped here. When the server cannot be reached the tests are
skipped on a developer's machine, and fail under CI (``CI=true``), where they
must run for real.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from regionnav.store.engine import open_engine
from regionnav.store.migrate import upgrade
from regionnav.store.models import Base


def _teach_spynes_six_find_spec() -> None:
    """Give spyne's vendored ``six`` import hook the ``find_spec`` it lacks.

    pytest's importlib import mode calls ``find_spec`` on every ``sys.meta_path``
    finder; once spyne is imported, its hook (which has only the pre-3.4
    ``find_module``) makes that raise ``AttributeError`` for any test package
    imported later. The hook is taught the modern call, answering as before.
    """
    import importlib.util

    from spyne.util import six

    hook = six._SixMetaPathImporter

    def find_spec(
        self: object, fullname: str, path: object = None, target: object = None
    ) -> object:
        if self.find_module(fullname) is None:  # type: ignore[attr-defined]
            return None
        return importlib.util.spec_from_loader(fullname, self)  # type: ignore[arg-type]

    if not hasattr(hook, "find_spec"):
        hook.find_spec = find_spec


_teach_spynes_six_find_spec()

POSTGRES_URL = os.environ.get(
    "REGIONNAV_TEST_POSTGRES_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
)


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """Give every test the root logger's handlers as they were before it.

    The command line's entry point replaces them with a handler on the
    stderr of the moment; run in-process by a test, that stream is closed
    afterwards and a later log line from a server thread would fail on it.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (and xdist worker)."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"regionnav_test_{worker}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")

    url = make_url(POSTGRES_URL).set(database=name)
    yield url.render_as_string(hide_password=False)

    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = open_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def engine(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Engine]:
    """A migrated, empty store: once on SQLite, once on PostgreSQL."""
    if request.param == "sqlite":
        sqlite = open_engine(f"sqlite:///{tmp_path}/regionnav.db")
        upgrade(sqlite)
        yield sqlite
        sqlite.dispose()
        return

    postgres: Engine = request.getfixturevalue("_postgres_engine")
    names = ", ".join(t.fullname for t in reversed(Base.metadata.sorted_tables))
    with postgres.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))
    yield postgres


@pytest.fixture
def sqlite_engine(tmp_path: object) -> Iterator[Engine]:
    """A migrated, empty SQLite store, for tests that need only one backend."""
    yield from _sqlite_store(f"{tmp_path}/regionnav.db")


@pytest.fixture
def second_sqlite_engine(tmp_path: object) -> Iterator[Engine]:
    """Another migrated, empty SQLite store, to compare a store with."""
    yield from _sqlite_store(f"{tmp_path}/second.db")


def _sqlite_store(path: str) -> Iterator[Engine]:
    sqlite = open_engine(f"sqlite:///{path}")
    upgrade(sqlite)
    yield sqlite
    sqlite.dispose()
