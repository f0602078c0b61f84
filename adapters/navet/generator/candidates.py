"""What the change planner knows about each person of a source file.

:meth:`Candidate.of` reads it from one ``Folkbokforingspost`` in a single walk
over its children, since it runs for every post of files of hundreds of
thousands of posts.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from adapters.navet.generator import edits
from adapters.navet.generator.identities import (
    SYNTHETIC_BEFORE,
    SYNTHETIC_SHIFT,
    sex_of,
)

PROTECTION_FLAGS = frozenset({"Sekretessmarkering", "SkyddadFolkbokforing"})


@dataclass(slots=True)
class Candidate:
    """What the planner knows about one person of the source file."""

    number: int
    person_id: str
    sex: str
    year: int
    surname: str
    living: bool
    liftable: bool
    civil: str | None
    lan: str | None
    kommun: str | None
    relations: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, number: int, post: etree._Element) -> Candidate:
        """Read the facts of post ``number`` of the source file.

        One walk over the children of ``Personpost``: this runs for every
        post of files of hundreds of thousands.
        """
        protected = any(
            child.tag in PROTECTION_FLAGS and (child.text or "").strip() == "J"
            for child in post
        )
        seen: dict[str, etree._Element] = {
            child.tag: child for child in edits.personpost(post)
        }
        identity = seen["PersonId"][0]
        person_id = (identity.text or "").strip()
        registration = seen.get("Folkbokforing")
        lan = registration.findtext("LanKod") if registration is not None else None
        kommun = (
            registration.findtext("KommunKod") if registration is not None else None
        )
        deregistered = "Avregistrering" in seen and bool(
            (seen["Avregistrering"].findtext("AvregistreringsorsakKod") or "").strip()
        )
        registered = registration is not None and not deregistered
        year = int(person_id[:4])
        return cls(
            number=number,
            person_id=person_id,
            sex=sex_of(person_id),
            year=year + SYNTHETIC_SHIFT if year < SYNTHETIC_BEFORE else year,
            surname=_text(seen.get("Namn"), "Efternamn") or "",
            living=registered and identity.tag == "PersonNr" and not protected,
            liftable=registered and protected,
            civil=_text(seen.get("Civilstand"), "CivilstandKod"),
            lan=lan,
            kommun=f"{lan}{kommun}" if lan and kommun else None,
            relations=_relations(seen.get("Relationer")),
        )

    @property
    def synthetic(self) -> bool:
        """The number was born before 1840 (the test list was used up)."""
        return int(self.person_id[:4]) < SYNTHETIC_BEFORE

    def related(self) -> set[str]:
        """The persons this one has a relation to."""
        return {other for _, other in self.relations}


def _text(parent: etree._Element | None, tag: str) -> str | None:
    if parent is None:
        return None
    value = parent.findtext(tag)
    return value.strip() if value is not None else None


def _relations(relations: etree._Element | None) -> tuple[tuple[str, str], ...]:
    # (Relationstyp, PersonNr) of each relation to a person with a number.
    found = []
    for relation in relations if relations is not None else ():
        kind = other = ""
        for child in relation:
            if child.tag == "Relationstyp":
                kind = (child.text or "").strip()
            elif (
                child.tag == "RelationId" and len(child) and child[0].tag == "PersonNr"
            ):
                other = (child[0].text or "").strip()
        if other:
            found.append((kind, other))
    return tuple(found)
