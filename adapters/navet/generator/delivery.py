"""Write a whole generated delivery: header, posts, one file.

:func:`generate` makes a grunduttag of ``persons`` posts for a län;
:mod:`.changes` makes an ändringsavisering for an existing file. Both write
through :func:`adapters.navet.writer.write_delivery`, into a temporary file
that replaces ``out`` only when it is complete.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from adapters.navet.generator import dates, places, population, posts
from adapters.navet.generator.identities import IdentityPool, listed_numbers
from adapters.navet.generator.model import Person
from adapters.navet.writer import write_delivery
from regionnav.errors import GenerationError

logger = logging.getLogger(__name__)

ENCODINGS = {"iso-8859-1": "ISO-8859-1", "utf-8": "UTF-8"}
MAX_POSTS = 99_999_999  # AntalPoster has eight digits
PROGRESS_EVERY = 1000

# Skatteverket delivers; the receiver is a fictitious organisation. Both are
# written as Navet does, 16 + the 10-digit organisationsnummer.
SUPPLIER = ("162021005448", "SKATTEVERKET")
RECEIVER = ("169999999999", "REGIONNAV TESTMOTTAGARE")
KINDS = {"GRUNDUTTAG": "NAVGU", "ANDRINGSAVISERING": "NAVAV"}

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Order:
    """What to generate: ``persons`` posts in ``lan`` (or one ``kommun``)."""

    persons: int
    lan: str
    kommun: str | None = None
    seed: int = 1
    encoding: str = "iso-8859-1"


@dataclass(frozen=True, slots=True)
class Summary:
    """What was written: people, posts, numbers born before 1840, the file."""

    persons: int
    posts: int
    synthetic: int
    path: Path


def expected_synthetic(persons: int) -> int:
    """How many of ``persons`` posts will get a pre-1840 number."""
    return max(0, persons - len(listed_numbers()))


def generate(order: Order, out: Path, progress: Progress | None = None) -> Summary:
    """Write a grunduttag of ``order.persons`` posts to ``out``.

    The same order gives the same bytes. Raises
    :class:`~regionnav.errors.GenerationError` for an unknown län or kommun,
    a count out of range or an unknown encoding, before anything is written.
    """
    encoding = writer_encoding(order.encoding)
    if not 1 <= order.persons <= MAX_POSTS:
        raise GenerationError(f"--persons must be 1 to {MAX_POSTS}")
    kommuner = places.kommuner(order.lan, order.kommun)

    rng = random.Random(order.seed)  # noqa: S311 - reproducible test data, no secret
    pool = IdentityPool(rng)
    people = population.persons(rng, pool, kommuner, order.persons)
    counts = {"persons": 0}

    def elements() -> Iterator[etree._Element]:
        for person in _with_progress(people, progress):
            if not _is_old_record(person):
                counts["persons"] += 1
            yield posts.build(person)

    head = header("GRUNDUTTAG", dates.REFERENCE, order.persons, order.seed)
    written = write_atomically(out, elements(), head, encoding)
    logger.info("generated a grunduttag of %s posts", written)
    return Summary(counts["persons"], written, expected_synthetic(written), out)


def header(kind: str, effective: dt.date, count: int, seed: int) -> etree._Element:
    """An ``Aviseringsinformation`` for a one-file delivery of ``count`` posts."""
    info = etree.Element("Aviseringsinformation")
    for tag, (org_nr, org_name) in (
        ("Medieleverantor", SUPPLIER),
        ("Mediemottagare", RECEIVER),
    ):
        party = etree.SubElement(info, tag)
        etree.SubElement(party, "OrgNr").text = org_nr
        etree.SubElement(party, "Organisationsnamn").text = org_name

    day = dates.as_int(effective)
    files = etree.SubElement(info, "Filinformation")
    _add(files, "BestallningsId", f"{seed % 10**8:08d}-FO01-0001")
    _add(files, "Bestallningstyp", kind)
    _add(files, "Produkt", KINDS[kind])
    utfil = etree.SubElement(files, "Utfil")
    _add(utfil, "Filnamn", f"NAVET.{KINDS[kind]}.{day}.{seed % 10**8}.XML")
    _add(utfil, "Effektueringsdatum", day)
    _add(utfil, "AntalPoster", count)
    _add(utfil, "AntalPosterTotalt", count)
    _add(utfil, "AntalFiler", 1)
    _add(utfil, "FilNr", 1)
    _add(utfil, "JobbId", seed % 99_999_999 + 1)
    return info


def writer_encoding(name: str) -> str:
    """The writer's name for ``iso-8859-1`` or ``utf-8``.

    Raises :class:`~regionnav.errors.GenerationError` for any other.
    """
    try:
        return ENCODINGS[name.lower()]
    except KeyError:
        known = ", ".join(ENCODINGS)
        raise GenerationError(f"--encoding must be one of {known}") from None


def write_atomically(
    out: Path,
    elements: Iterable[etree._Element],
    head: etree._Element,
    encoding: str,
) -> int:
    """Write the delivery beside ``out`` and move it into place when complete."""
    partial = out.with_name(out.name + ".part")
    try:
        written = write_delivery(partial, elements, head, encoding)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    return written


def _with_progress(
    persons: Iterable[Person], progress: Progress | None
) -> Iterator[Person]:
    made = 0
    for person in persons:
        yield person
        made += 1
        if progress is not None and made % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    if progress is not None:
        progress(made % PROGRESS_EVERY)


def _is_old_record(person: Person) -> bool:
    # The record of a replaced number is a second post of the same person.
    code = person.deregistration.code if person.deregistration else None
    return code in {"GN", "GS"}


def _add(parent: etree._Element, tag: str, value: str | int) -> None:
    etree.SubElement(parent, tag).text = str(value)
