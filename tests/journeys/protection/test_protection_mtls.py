"""The protected-identity property over the real transport, for one population.

The written-out population (:func:`.population.sample`: protected parents of
an ordinary child, number changes to and from protected numbers, protection
added and lifted between deliveries) is asked about in every variant, over
mutual TLS, by consumers named by their client certificates.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.journeys.protection.calls import asks, call_over_https, everything
from tests.journeys.protection.conftest import (
    PRIVILEGED,
    UNPRIVILEGED,
    HttpsHub,
    load,
)
from tests.journeys.protection.leaks import expected_traces, kinds, leaks
from tests.journeys.protection.population import BETWEEN
from tests.journeys.protection.sample import sample


def test_no_answer_over_mtls_shows_a_protected_identity_without_the_right(
    hub: Engine, https_hub: HttpsHub, tmp_path: Path
) -> None:
    population = sample()
    load(hub, population, tmp_path)
    post = call_over_https(https_hub.url, https_hub.sessions)
    for ask in asks(population.ids, BETWEEN):
        found = leaks(post(ask, UNPRIVILEGED), population, ask.moment)
        assert not found, (ask, sorted(found))


def test_answers_over_mtls_show_the_protected_to_the_consumer_with_the_right(
    hub: Engine, https_hub: HttpsHub, tmp_path: Path
) -> None:
    population = sample()
    load(hub, population, tmp_path)
    post = call_over_https(https_hub.url, https_hub.sessions)
    expected = expected_traces(population)
    for ask in everything(population.ids):
        found = kinds(leaks(post(ask, PRIVILEGED), population, None))
        assert expected <= found, (ask, sorted(expected - found))
