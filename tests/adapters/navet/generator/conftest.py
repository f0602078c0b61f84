"""Generated deliveries shared by the generator's tests, made once per session.

Files are made through the public entry points and parsed with the project's
hardened parser; the official 2023 ``Navetavisering.xsd`` checks them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from adapters.navet.generator import ChangeOrder, Order, generate, generate_changes
from regionnav import xmlsafe

SCHEMA = (
    Path(__file__).parents[4].parent
    / "shared/navet/skatteverket-epersondata/v4-na_webservices_xmls.7_2.28-2023"
    / "schema/Navetavisering.xsd"
)
SEEDS = (1, 2, 99)


def parse(path: Path) -> etree._ElementTree:
    """A whole generated file, parsed with the hardened parser."""
    return etree.parse(str(path), xmlsafe.parser())


def posts_of(path: Path) -> list[etree._Element]:
    """The ``Folkbokforingspost`` elements of a file."""
    return parse(path).findall("Folkbokforingsposter/Folkbokforingspost")


@pytest.fixture(scope="session")
def schema() -> etree.XMLSchema:
    """The official 2023 Navetavisering schema."""
    return etree.XMLSchema(etree.parse(str(SCHEMA), xmlsafe.parser()))


@pytest.fixture(scope="session")
def make_file(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Generate a grunduttag once per (persons, lan, seed, encoding, kommun)."""
    made: dict[tuple[object, ...], Path] = {}

    def make(
        persons: int = 1000,
        lan: str = "25",
        seed: int = 1,
        encoding: str = "iso-8859-1",
        kommun: str | None = None,
    ) -> Path:
        key = (persons, lan, seed, encoding, kommun)
        if key not in made:
            path = tmp_path_factory.mktemp("navet") / f"grund-{seed}.xml"
            generate(Order(persons, lan, kommun, seed, encoding), path)
            made[key] = path
        return made[key]

    return make


@pytest.fixture(scope="session")
def grund(make_file: Callable[..., Path]) -> Path:
    """A grunduttag of 1000 persons in Norrbotten, seed 1."""
    return make_file()


@pytest.fixture(scope="session")
def grund_posts(grund: Path) -> list[etree._Element]:
    """The posts of :func:`grund`."""
    return posts_of(grund)


@pytest.fixture(scope="session")
def changes(grund: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An ändringsavisering for :func:`grund`, seed 5."""
    path = tmp_path_factory.mktemp("navet") / "changes.xml"
    generate_changes(ChangeOrder(grund, seed=5), path)
    return path


@pytest.fixture(scope="session")
def change_posts(changes: Path) -> list[etree._Element]:
    """The posts of :func:`changes`."""
    return posts_of(changes)
