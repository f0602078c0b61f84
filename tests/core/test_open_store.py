"""Commands open only a store that ``regionnav init`` has set up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from regionnav.errors import StoreError
from regionnav.store.engine import open_engine
from regionnav.store.migrate import open_store


def test_missing_sqlite_file_is_refused_and_not_created(tmp_path: Path) -> None:
    database = tmp_path / "none.db"
    with pytest.raises(StoreError, match="regionnav init"):
        open_store(f"sqlite:///{database}")
    assert not database.exists()


def test_database_without_schema_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"
    open_engine(url).connect().close()
    with pytest.raises(StoreError, match="no schema yet"):
        open_store(url)


def test_migrated_store_opens(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    opened = open_store(url)
    assert opened.dialect.name == engine.dialect.name
    opened.dispose()


def test_unusable_url_is_refused() -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("not a url")
