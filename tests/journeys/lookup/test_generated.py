"""A generated Navet delivery, imported and looked up whole through the service.

The delivery comes from ``regionnav navet generate`` (adapters.navet.generator):
every kind of person the generator makes, from Skatteverket's test numbers.
Every answer is validated against the official 1.1 Responder XSD (Caller).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import Engine, select

from adapters.navet import generator
from regionnav.consumers import Consumers
from regionnav.mirror import import_delivery
from regionnav.store.engine import open_engine
from regionnav.store.migrate import upgrade
from regionnav.store.models import Person
from tests.journeys.lookup.conftest import (
    HUB_CONFIG,
    PRIVILEGED,
    REGISTRATIONS,
    residentmaster_at,
    running,
)
from tests.journeys.lookup.test_residentmaster import residents

PERSONS = 400


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Engine]]:
    folder = tmp_path_factory.mktemp("generated")
    delivery = folder / "grunduttag.xml"
    generator.generate(generator.Order(PERSONS, "25", seed=7), delivery, None)
    engine = open_engine(f"sqlite:///{folder / 'hub.db'}")
    upgrade(engine)
    import_delivery(engine, Path(delivery))
    consumers = Consumers(engine)
    for registration in REGISTRATIONS:
        consumers.add(registration)
    with running(engine, HUB_CONFIG) as url:
        yield url, engine
    engine.dispose()


def all_ids(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(Person.person_id)).scalars())


@pytest.mark.parametrize("consumer", ["SE2321000230-JOUR", PRIVILEGED])
def test_every_generated_person_is_answered_schema_valid(
    generated: tuple[str, Engine], schema_11: etree.XMLSchema, consumer: str
) -> None:
    url, engine = generated
    caller = residentmaster_at(url, schema_11)
    ids = all_ids(engine)
    caller.call(
        "LookupResidentForFullProfile",
        consumer=consumer,
        personId=ids,
        lookUpSpecification={},
    )
    assert sorted(residents(caller.last_payload())) == sorted(ids)
