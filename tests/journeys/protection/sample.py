"""One population written out, for the journey over mutual TLS.

The same cases the property draws at random (see :mod:`.population`), fixed,
so that the slower journey over the real transport covers each of them with a
single population.
"""

from __future__ import annotations

import itertools

from tests.journeys.protection.population import (
    Address,
    Person,
    Population,
    Version,
    marker,
    personnummer,
)


def sample() -> Population:
    """A fixed population with each case the property draws at random.

    0 (sekretess) and 1 (skyddad, nil sekretess) are parents of 2 (ordinary,
    flags absent), who names them; 3 (ordinary) was replaced by 4 (a new,
    protected number); 5 (protected) was replaced by 6 (ordinary); 7 became
    protected in 2024; 8 was protected until 2024. 2 also names 7 and 8.
    """
    counter = itertools.count()

    def value(prefix: str) -> str:
        return prefix + marker(next(counter))

    def version(
        sekretess: str | None = None,
        skyddad: str | None = None,
        relations: tuple[tuple[str, int], ...] = (),
    ) -> Version:
        home = Address(
            (value("Storgatan "),), f"{11000 + next(counter):05d}", value("Luleå ")
        )
        return Version(
            sekretess=sekretess,
            skyddad=skyddad,
            names=(("Fornamn", value("Åsa ")), ("Efternamn", value("Prov "))),
            addresses=(
                ("Folkbokforingsadress", home),
                ("Utlandsadress", Address((value("Rue "),), land=value("Land "))),
            ),
            property_designation=value("PROVET "),
            earlier_address=Address(
                (value("Gamla "),), f"{11000 + next(counter):05d}", value("Piteå ")
            ),
            relations=relations,
        )

    numbers = personnummer()
    picks = (100, 5000, 20000, 21000, 22000, 23000, 24000, 25000, 26000)
    chosen = [numbers[k] for k in picks]
    child = (("FA", 0), ("MO", 1), ("F", 7), ("M", 8))
    persons = (
        Person(chosen[0], (version("J", relations=(("B", 2),)),)),
        Person(chosen[1], (version("nil", "J", relations=(("B", 2),)),)),
        Person(chosen[2], (version(None, None, relations=child),)),
        Person(chosen[3], (version("N", "N"),), replaced_by=4),
        Person(chosen[4], (version(None, "J"),)),
        Person(chosen[5], (version("J"),), replaced_by=6),
        Person(chosen[6], (version("N"),)),
        Person(chosen[7], (version("N", "N"), version("J", "N"))),
        Person(chosen[8], (version(None, "J"), version(None, "N"))),
    )
    return Population(persons)
