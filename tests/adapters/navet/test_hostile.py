"""Hostile and broken delivery files are refused whole, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.navet.reader import NavetFile, read_delivery
from regionnav.errors import DeliveryError, PostError

DATA = Path(__file__).parents[2] / "data" / "navet"
HOSTILE = DATA / "hostile"
SAMPLE = (
    Path(__file__).parents[4]
    / "shared"
    / "navet"
    / "samples"
    / "pynavet-testdata-navetavisering.xml"
)

DELIVERY_REFUSALS = [
    # (file, parts the message must hold)
    ("external-entity.xml", ["external-entity.xml", "DTD"]),
    ("entity-bomb.xml", ["entity-bomb.xml", "DTD"]),
    ("utf8-declared-latin1-bytes.xml", ["not valid UTF-8", "after post 1"]),
    ("truncated.xml", ["truncated", "after post 2", "last good post"]),
    ("wrong-root.xml", ["root element is not Navetavisering"]),
    ("antalposter-mismatch.xml", ["AntalPoster says 3", "holds 2"]),
    ("no-posts-element.xml", ["no Folkbokforingsposter"]),
    ("unknown-encoding.xml", ["encoding (X-UNKNOWN-8)", "cannot be read"]),
    ("missing.xml", ["missing.xml", "cannot be read"]),
]

POST_REFUSALS = [
    # (file, post number, element)
    ("non-numeric-personnr.xml", 2, "PersonNr"),
    ("two-identities.xml", 2, "PersonId"),
    ("post-outside-posts.xml", 1, "Folkbokforingspost"),
]


def read_all(path: Path) -> int:
    with read_delivery(path) as navet:
        return sum(1 for _ in navet.posts())


@pytest.mark.parametrize(("name", "parts"), DELIVERY_REFUSALS)
def test_hostile_file_is_refused_with_clear_message(
    name: str, parts: list[str]
) -> None:
    with pytest.raises(DeliveryError) as caught:
        read_all(HOSTILE / name)
    for part in parts:
        assert part in str(caught.value)


@pytest.mark.parametrize(("name", "number", "element"), POST_REFUSALS)
def test_broken_post_is_refused_naming_post_and_element(
    name: str, number: int, element: str
) -> None:
    with pytest.raises(PostError) as caught:
        read_all(HOSTILE / name)
    assert (caught.value.post, caught.value.element) == (number, element)
    assert f"post {number}, element {element}" in str(caught.value)


def test_sample_post_with_placeholder_personnr_is_refused() -> None:
    with pytest.raises(PostError) as caught:
        read_all(SAMPLE)
    assert (caught.value.post, caught.value.element) == (1, "PersonNr")


def test_external_entity_is_never_read() -> None:
    with pytest.raises(DeliveryError) as caught:
        read_all(HOSTILE / "external-entity.xml")
    assert "root:" not in str(caught.value)


@pytest.mark.parametrize(
    "name", ["utf8-declared-latin1-bytes.xml", "non-numeric-personnr.xml"]
)
def test_refusal_message_quotes_no_content(name: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        read_all(HOSTILE / name)
    message = str(caught.value)
    assert "195001182046"[:8] not in message
    assert "Bytes" not in message


def test_file_above_the_size_cap_is_refused_before_parsing() -> None:
    path = DATA / "variants.xml"
    with pytest.raises(DeliveryError, match="exceed the cap"):
        list(NavetFile(path, max_bytes=100).posts())
