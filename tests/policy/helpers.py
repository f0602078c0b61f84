"""Registrations and persons for the policy tests (Skatteverket test numbers only)."""

from __future__ import annotations

from datetime import date, timedelta

from regionnav.config import HubConfig
from regionnav.consumers import Registration, Scope, today
from regionnav.records import StoredPerson

HUB = HubConfig(
    hsa_id="SE2321000230-RNAV", lan="25", logical_addresses=("SE162321000255-O0001",)
)
HUB_ADDRESS = "SE2321000230-RNAV"
OTHER_HUB_ADDRESS = "SE162321000255-O0001"

YESTERDAY = today() - timedelta(days=1)
TOMORROW = today() + timedelta(days=1)

REGISTRATIONS = (
    Registration(
        "SE2321000230-JOUR",
        name="Journal",
        max_profile=2,
        scope=Scope.of(["25"]),
        rights=frozenset({("persons", HUB_ADDRESS), ("ping", "*")}),
    ),
    Registration(
        "SE2321000230-FULL",
        name="Registry with the full profile",
        max_profile=5,
        rights=frozenset({("residentmaster", "*"), ("persons", "*")}),
        unmasked=True,
        legal_basis="Patientdatalagen 4 kap. (test)",
    ),
    Registration(
        "SE2321000230-LOW",
        name="Profile 3, persons only",
        max_profile=3,
        rights=frozenset({("persons", "*")}),
    ),
    Registration(
        "SE2321000230-PAST",
        max_profile=2,
        active_from=date(2020, 1, 1),
        active_to=YESTERDAY,
        rights=frozenset({("persons", "*")}),
    ),
    Registration(
        "SE2321000230-SOON",
        max_profile=2,
        active_from=TOMORROW,
        rights=frozenset({("persons", "*")}),
    ),
)


def person(
    person_id: str = "201801012392",
    *,
    sekretess: bool = False,
    skyddad: bool = False,
    lan: str | None = "25",
    kommun: str | None = "2580",
) -> StoredPerson:
    return StoredPerson(
        person_id=person_id,
        id_kind="PNR",
        valid_from=20240101000000,
        sekretessmarkering=sekretess,
        skyddad_folkbokforing=skyddad,
        avregistreringskod=None,
        avregistreringsdatum=None,
        lan_kod=lan,
        kommun_kod=kommun,
        post_xml=b"<Folkbokforingspost/>",
    )
