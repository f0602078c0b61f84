"""facts_of refuses codes longer than the schema allows, naming the element.

The mirror stores LanKod (2), the full kommun code (4) and the deregistration
code (2) in columns of those widths. Longer values were taken as they came: on
SQLite they went into the store, on PostgreSQL the import died with a driver
traceback. The schema (Strang2TYPE, a two-letter enumeration) allows none.
"""

from __future__ import annotations

import pytest

from adapters.navet.facts import facts_of
from regionnav.errors import PostContentError
from tests.adapters.navet.test_facts import ADULT, post_with, with_id


def folkbokforing(lan: str, kommun: str) -> str:
    return (
        f"<Folkbokforing><Folkbokforingsdatum>20200101</Folkbokforingsdatum>"
        f"<LanKod>{lan}</LanKod><KommunKod>{kommun}</KommunKod></Folkbokforing>"
    )


def avregistrering(code: str) -> str:
    return (
        f"<Avregistrering><AvregistreringsorsakKod>{code}</AvregistreringsorsakKod>"
        f"<Avregistreringsdatum>20200101</Avregistreringsdatum></Avregistrering>"
    )


TOO_LONG = {
    "LanKod of 3": (folkbokforing("250", "80"), "LanKod"),
    "KommunKod of 3": (folkbokforing("25", "980"), "KommunKod"),
    "KommunKod of 5": (folkbokforing("25", "25801"), "KommunKod"),
    "AvregistreringsorsakKod of 3": (avregistrering("AVX"), "AvregistreringsorsakKod"),
}


@pytest.mark.parametrize(("body", "element"), TOO_LONG.values(), ids=list(TOO_LONG))
def test_code_longer_than_the_schema_allows_is_refused(body: str, element: str) -> None:
    with pytest.raises(PostContentError) as caught:
        facts_of(post_with(with_id(ADULT, rest=body)))

    assert caught.value.element == element


FITTING = {
    "two-digit kommun": (folkbokforing("25", "80"), "2580"),
    "four-digit kommun": (folkbokforing("25", "2580"), "2580"),
    "one-letter legacy deregistration": (avregistrering("A"), None),
}


@pytest.mark.parametrize(("body", "kommun"), FITTING.values(), ids=list(FITTING))
def test_code_the_schema_allows_is_read(body: str, kommun: str | None) -> None:
    assert facts_of(post_with(with_id(ADULT, rest=body))).kommun_kod == kommun
