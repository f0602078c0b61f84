"""PingForConfiguration 1.0 end to end, with the official WSDL and XSD."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from zeep.exceptions import Fault

from regionnav.store.engine import open_engine
from regionnav.store.migrate import upgrade
from tests.journeys.lookup.conftest import (
    HUB_ADDRESS,
    HUB_CONFIG,
    PERSONS_ONLY,
    Caller,
    fill,
    ping_at,
    running,
)

TS = re.compile(
    r"[1-9]\d{3}(0[1-9]|1[0-2])([0-2]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d"
)
CONTRACT_NS = (
    "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
)


def ping_call(caller: Caller, consumer: str | None = None) -> object:
    extra = {"consumer": consumer} if consumer else {}
    return caller.call(
        "PingForConfiguration",
        serviceContractNamespace=CONTRACT_NS,
        logicalAddress=HUB_ADDRESS,
        **extra,
    )


def test_ping_answers_version_and_time(ping: Caller) -> None:
    answer = ping_call(ping)
    assert answer.version.startswith("Regionnav ")
    assert TS.fullmatch(answer.pingDateTime)


def test_ping_reports_the_last_delivery(ping: Caller) -> None:
    answer = ping_call(ping)
    settings = {entry.name: entry.value for entry in answer.configuration}
    assert TS.fullmatch(settings["lastDeliveryImported"])


def test_ping_needs_the_right_to_ping(ping: Caller) -> None:
    with pytest.raises(Fault, match="not authorised") as raised:
        ping_call(ping, PERSONS_ONLY)
    assert raised.value.code == "soap:Client"


@pytest.fixture
def fragile_hub(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A server on a SQLite store whose file the test can destroy."""
    engine = open_engine(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(engine)
    with running(fill(engine), HUB_CONFIG) as url:
        yield url, engine
    engine.dispose()


def test_ping_with_the_store_down_is_a_server_fault(
    fragile_hub: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = fragile_hub
    caller = ping_at(url)
    ping_call(caller)

    engine.dispose()
    for leftover in tmp_path.glob("hub.db*"):
        leftover.unlink()
    (tmp_path / "hub.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(Fault, match="store is not available") as raised:
        ping_call(caller)
    assert raised.value.code == "soap:Server"
