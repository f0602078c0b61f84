"""The audit tests' store: the ``engine`` database through engines of their own.

The trail keeps the head of its chain per engine, in memory. The shared
PostgreSQL engine outlives the table contents between tests (they are truncated),
so each test talks to the database through a fresh engine; ``another_process``
gives a second one, as a second server process would have.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine

from regionnav.store.engine import open_engine


@pytest.fixture
def another_process(engine: Engine) -> Iterator[Callable[[], Engine]]:
    made: list[Engine] = []

    def make() -> Engine:
        made.append(open_engine(engine.url.render_as_string(hide_password=False)))
        return made[-1]

    yield make
    for own in made:
        own.dispose()


@pytest.fixture
def store(another_process: Callable[[], Engine]) -> Engine:
    return another_process()
