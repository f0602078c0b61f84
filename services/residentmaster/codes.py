"""Navet code lists translated to population:residentmaster 1.1.

Deregistration: 1.1 carries the reason twice, reduced to ``AV``/``GN``/``OO``
in ``AvregistreringsorsakKod`` (the 1.0 list) and in full in
``{1.1}AvregistreringsorsakKodKomplett`` (AV UV GN AN AS GS OB TA). Legacy
one-letter codes are read as SPAR defined them: ``A`` is AV; ``G`` is GS when
the deregistered identity is a samordningsnummer (replaced, with a hänvisning,
by a personnummer) and GN otherwise; ``O`` is "other", so only ``OO`` can be
said. ``FI`` (false identity, Navet 2023) has no place in the 1.1 list: it is
answered as ``OO`` without a complete code.

Civilstånd: Navet's ``Ä`` (änka/änkling) is ``A`` in RIV-TA (no national
characters in enumerations); the other codes are the same.
"""

from __future__ import annotations

COMPLETE_CODES = frozenset({"AV", "UV", "GN", "AN", "AS", "GS", "OB", "TA"})
CIVILSTAND_CODES = frozenset({"OG", "G", "A", "S", "RP", "SP", "EP"})
RELATION_TYPES = frozenset({"B", "MO", "FA", "F", "V", "VF", "M", "P"})
RELATION_STATUSES = frozenset({"NY", "PB", "RD", "AS", "AV", "IV", "AN"})


def complete_code(code: str, id_kind: str) -> str | None:
    """The 1.1 complete code for a Navet code, or ``None`` when there is none."""
    if code == "A":
        return "AV"
    if code == "G":
        return "GS" if id_kind == "SNR" else "GN"
    return code if code in COMPLETE_CODES else None


def reduced_code(code: str, id_kind: str) -> str:
    """The 1.0 code: AV, GN, or OO for every other reason."""
    complete = complete_code(code, id_kind)
    return complete if complete in ("AV", "GN") else "OO"


def civilstand_code(code: str) -> str | None:
    """The RIV-TA civilstånd code, or ``None`` for a code outside the list."""
    translated = "A" if code == "Ä" else code
    return translated if translated in CIVILSTAND_CODES else None


def id_kind_of(person_id: str) -> str:
    """``SNR`` for a samordningsnummer (day of birth plus 60), else ``PNR``."""
    day = person_id[6:8]
    return "SNR" if len(person_id) == 12 and day.isdigit() and int(day) > 60 else "PNR"


def sex_of(person_id: str) -> str | None:
    """``M`` or ``K`` from the personnummer's sex digit (11th of 12), else None."""
    if len(person_id) != 12 or not person_id[10].isdigit():
        return None
    return "M" if int(person_id[10]) % 2 else "K"
