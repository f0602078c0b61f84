"""No contract hands an unprivileged consumer a protected person's identity.

Hypothesis draws populations (:func:`.population.populations`): Skatteverket
test personnummer with random protection flags, names, addresses, relations
to each other and number changes, in two deliveries. The real importer loads
them; every contract is asked about all of them in one call and about each
one alone, in every variant (:func:`.calls.asks`: residentmaster 1.1 now and
with ``historiskTidpunkt``, a 1.0-shaped request, GetPersonsForProfile 5.0
and 3.1 in P1-P5 with ``ignoreReferredIdentity`` true and false), through
the real WSGI application in-process.

The examples are derandomized, so CI runs the same ones every time.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import Engine

from services.app import ServicesApp
from tests.journeys.protection.calls import asks, call_in_process, everything
from tests.journeys.protection.conftest import PRIVILEGED, UNPRIVILEGED, load
from tests.journeys.protection.leaks import expected_traces, kinds, leaks
from tests.journeys.protection.population import BETWEEN, Population, populations
from tests.journeys.protection.sample import sample

PROPERTY = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@PROPERTY
@given(population=populations())
@example(population=sample())
def test_no_answer_shows_an_unprivileged_consumer_a_protected_identity(
    hub: Engine, app: ServicesApp, tmp_path: Path, population: Population
) -> None:
    load(hub, population, tmp_path)
    post = call_in_process(app)
    for ask in asks(population.ids, BETWEEN):
        found = leaks(post(ask, UNPRIVILEGED), population, ask.moment)
        assert not found, (ask, sorted(found))


@settings(PROPERTY, max_examples=10)
@given(population=populations())
@example(population=sample())
def test_a_privileged_consumer_is_shown_what_the_property_looks_for(
    hub: Engine, app: ServicesApp, tmp_path: Path, population: Population
) -> None:
    load(hub, population, tmp_path)
    post = call_in_process(app)
    expected = expected_traces(population)
    for ask in everything(population.ids):
        found = kinds(leaks(post(ask, PRIVILEGED), population, None))
        assert expected <= found, (ask, sorted(expected - found))
