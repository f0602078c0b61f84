"""Refused imports: one clear error naming post and element, the store untouched.

The cases here once escaped as driver tracebacks (a code too long for its
column on PostgreSQL, any database failure inside the bulk writer, which talks
to the driver directly) or as a bare OSError (an unreadable file).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from regionnav.errors import DeliveryError, PostError, StoreError
from regionnav.mirror import import_delivery
from tests.mirror.deliveries import ADULT, OTHER, PostSpec, write
from tests.mirror.test_atomicity import snapshot

LONG_CODES = {
    "LanKod": PostSpec(ADULT, lan="250"),
    "KommunKod": PostSpec(ADULT, kommun="980"),
    "AvregistreringsorsakKod": PostSpec(ADULT, avregistrering=("AVX", "20200101")),
}


@pytest.mark.parametrize(("element", "spec"), LONG_CODES.items(), ids=list(LONG_CODES))
def test_code_too_long_for_the_store_is_refused_naming_post_and_element(
    engine: Engine, tmp_path: Path, element: str, spec: PostSpec
) -> None:
    path = write(tmp_path / "codes.xml", [PostSpec(OTHER), spec])

    with pytest.raises(PostError) as caught:
        import_delivery(engine, path)

    assert (caught.value.post, caught.value.element) == (2, element)
    assert snapshot(engine) == (0, 0, 0)


# The PostgreSQL database is shared by a worker's tests: the trigger goes again.
DROP_TRIGGER = {
    "sqlite": ["DROP TRIGGER refuse_person"],
    "postgresql": [
        "DROP TRIGGER refuse_person ON persons",
        "DROP FUNCTION refuse_person()",
    ],
}
REFUSING_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER refuse_person BEFORE INSERT ON persons "
        "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_person() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$",
        "CREATE TRIGGER refuse_person BEFORE INSERT ON persons "
        "FOR EACH ROW EXECUTE FUNCTION refuse_person()",
    ],
}


@pytest.fixture
def refusing(engine: Engine) -> Iterator[Engine]:
    """The store, with a trigger that fails every write of a person."""
    _execute(engine, REFUSING_TRIGGER[engine.dialect.name])
    yield engine
    _execute(engine, DROP_TRIGGER[engine.dialect.name])


def _execute(engine: Engine, statements: list[str]) -> None:
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_store_failure_in_the_bulk_writer_is_a_store_error_changing_nothing(
    refusing: Engine, tmp_path: Path
) -> None:
    engine = refusing
    path = write(tmp_path / "g.xml", [PostSpec(ADULT), PostSpec(OTHER)])

    with pytest.raises(StoreError) as caught:
        import_delivery(engine, path)

    assert "refused by the test" in str(caught.value)
    assert len(str(caught.value).splitlines()) == 1
    assert snapshot(engine) == (0, 0, 0)


def test_unreadable_delivery_is_a_delivery_error(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    with pytest.raises(DeliveryError, match="cannot be read"):
        import_delivery(sqlite_engine, tmp_path)
