"""Addresses: dwellings in a kommun, special postal addresses, addresses abroad.

Addresses are UPPER CASE as in Navet. Street and property names are common
Swedish ones; district codes have the 6-digit shape of real Distriktskod
values (``1`` + kommun code + a digit) but are not Skatteverket's numbering.
"""

from __future__ import annotations

import random
import uuid

from adapters.navet.generator.model import Abroad, Address, Dwelling
from adapters.navet.generator.places import FORMEDLING, Kommun

STREETS = (
    "STORGATAN", "KYRKOGATAN", "SKOLGATAN", "BJÖRKVÄGEN", "PENSÉVÄGEN",
    "ÅSVÄGEN", "ÄNGSVÄGEN", "ÖSTRA LÅNGGATAN", "ALLÉGATAN", "SJÖGATAN",
    "BACKVÄGEN", "LINGONSTIGEN", "HÖGSKOLEVÄGEN", "NORRA VÄGEN", "TALLVÄGEN",
    "GRANVÄGEN", "RÖNNVÄGEN", "SOLVÄGEN", "ÄLVGATAN", "HAMNGATAN",
    "DROTTNINGGATAN", "KUNGSGATAN", "FRÖSTIGEN", "MÅSVÄGEN", "SKOGSVÄGEN",
    "ÖRNVÄGEN", "VÄSTRA ESPLANADEN", "SÖDRA STRANDGATAN", "HJORTRONVÄGEN",
    "BLÅBÄRSSTIGEN", "KLÖVERVÄGEN", "RENÉSTIGEN",
)  # fmt: skip
BLOCKS = (
    "LÅNGA", "ÄPPLET", "PÄRONET", "LINDEN", "ALMEN", "EKEN", "BJÖRKEN",
    "GRANEN", "ORREN", "TJÄDERN", "ÖRNEN", "FALKEN", "SVANEN", "MÅSEN",
    "LÄRKAN", "RÄVEN", "ÄLGEN", "HJORTEN", "BÄVERN", "LAXEN", "GÄDDAN",
    "SMEDEN", "MJÖLNAREN", "KRONAN", "SPIRAN",
)  # fmt: skip
FARMS = ("SOLBACKA", "NORRGÅRDEN", "ÖSTERGÅRD", "LILLGÅRDEN", "BJÖRKHAGA", "ÅKERLUND")
FOREIGN_ADDRESSES = (
    ("NORGE", ("STORGATA 12", "0155 OSLO")),
    ("FINLAND", ("ALEKSANTERINKATU 4 B 7", "00170 HELSINGFORS")),
    ("DANMARK", ("NØRREGADE 9, 2. TV", "1165 KØBENHAVN K")),
    ("TYSKLAND", ("HAUPTSTRASSE 21", "10827 BERLIN")),
    ("STORBRITANNIEN", ("14 HIGH STREET", "OXFORD", "OX1 4AA")),
    ("SPANIEN", ("CALLE MAYOR 5, 3º B", "29602 MARBELLA")),
    ("USA", ("1200 PARK AVENUE APT 5C", "NEW YORK NY 10128")),
    ("AUSTRALIEN", ("22 BEACH ROAD", "BONDI NSW 2026")),
)


def dwelling(
    rng: random.Random,
    kommun: Kommun,
    since: int,
    *,
    flat: bool | None = None,
    care_of: str | None = None,
    line1: bool = False,
) -> Dwelling:
    """A home in ``kommun``: property, address, and for a flat its number.

    ``flat`` forces (or forbids) a lägenhet; by default about half of all
    homes are flats. ``line1`` adds a farm name as Utdelningsadress1.
    """
    town, prefixes = rng.choice(kommun.towns)
    in_flat = rng.random() < 0.5 if flat is None else flat
    street = f"{rng.choice(STREETS)} {rng.randint(1, 60)}"
    if in_flat and rng.random() < 0.3:
        street += rng.choice("AB")
    address = Address(
        street=street,
        postnr=rng.choice(prefixes) * 100 + rng.randint(10, 99),
        postort=town,
        care_of=care_of,
        line1=rng.choice(FARMS) if line1 else None,
    )

    lagenhet = f"{rng.randint(10, 16)}{rng.randint(1, 12):02d}" if in_flat else None
    has_uuids = rng.random() < 0.9
    uuids = (
        (_uuid(rng), _uuid(rng), _uuid(rng) if in_flat else None) if has_uuids else None
    )
    keys = (
        (
            str(rng.randint(10**8, 10**9 - 1)),
            rng.randint(10**9, 10**10 - 1),
            rng.randint(10**9, 10**10 - 1) if in_flat else None,
        )
        if rng.random() < 0.5
        else None
    )
    distrikt = (
        int(f"1{kommun.code}{rng.randint(0, 4)}") if rng.random() < 0.95 else None
    )
    return Dwelling(
        kommun=kommun,
        since=since,
        fastighet=f"{rng.choice(BLOCKS)} {rng.randint(1, 30)}:{rng.randint(1, 40)}",
        address=address,
        lagenhet=lagenhet,
        uuids=uuids,
        riksnycklar=keys,
        distrikt=distrikt,
    )


def postal(rng: random.Random, kommun: Kommun, care_of: str | None) -> Address:
    """A special postal address (SarskildPostadress) in ``kommun``."""
    town, prefixes = rng.choice(kommun.towns)
    return Address(
        street=f"{rng.choice(STREETS)} {rng.randint(1, 60)}",
        postnr=rng.choice(prefixes) * 100 + rng.randint(10, 99),
        postort=town,
        care_of=care_of,
    )


def forwarding() -> Address:
    """Skatteverket's forwarding address, the only one of a protected person."""
    line1, street, postnr, town = FORMEDLING
    return Address(street=street, postnr=postnr, postort=town, line1=line1)


def abroad(rng: random.Random, since: int) -> Abroad:
    """An address abroad, as a person who emigrated reports it."""
    land, lines = rng.choice(FOREIGN_ADDRESSES)
    return Abroad(lines=lines, land=land, since=since)


def care_of(surname: str) -> str:
    """A c/o line for mail to someone else's name."""
    return f"C/O {surname.upper()}"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
