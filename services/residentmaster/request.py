"""The LookupResidentForFullProfile request and its ``lookUpSpecification``.

The request is deserialised by spyne into :class:`LookupRequest`; versions 1.0
and 1.1 share the Responder namespace, and a 1.0 request simply lacks the 1.1
elements. :func:`read_request` checks what the answer relies on and turns the
filter into a :class:`Specification`.

Filter semantics (TKB 1.1; all given criteria must hold):

- ``Avregistreringsorsak`` (0..n codes): the record's complete deregistration
  code is one of them; ``"  "`` (two blanks) matches a record that is not
  deregistered; ``OO`` matches any code other than AV and GN (the 1.0 code).
- ``Sekretessmarkering``: ``J`` keeps only protected records (either Navet
  flag, as the answer shows ``J`` for both), ``N`` only the others.
- ``SenasteAndringFolkbokforing`` (YYYYMMDD): keeps records whose
  ``Folkbokforing/Folkbokforingsdatum`` (the date the answer carries as
  ``SenasteAndringFolkbokforing``) is strictly later. The eight-digit forms
  are compared as text, so an incomplete date counts as the earliest day it
  may stand for (``19750000`` is later than ``19741231`` but not later than
  ``19750101``): a record is kept only when it is certainly later. A record
  without a date is not kept.
- ``historiskTidpunkt`` (YYYYMMDDhhmmss): the answer shows the records as they
  were at that moment; combined with ``SenasteAndringFolkbokforing`` it is a
  client fault.

A record answered in masked form (protected, consumer without the right) is
judged only on what the answer shows: it passes the ``Sekretessmarkering``
criteria as ``J`` and fails any deregistration or date criterion, whatever its
hidden values are, so that filtering cannot reveal them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from spyne import ComplexModel, Unicode

from regionnav.errors import RequestError
from services.residentmaster.codes import complete_code, reduced_code

NAMESPACE = "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
ELEMENT = "LookupResidentForFullProfile"
MAX_IDS = 1000
NOT_DEREGISTERED = "  "
KNOWN_REASONS = frozenset(
    {NOT_DEREGISTERED, "OO", "AV", "UV", "GN", "AN", "AS", "GS", "OB", "TA", "FI"}
)


class LookUpSpecificationType(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    __type_name__ = "LookUpSpecificationType"
    _type_info = [  # noqa: RUF012  (spyne reads this class attribute)
        ("Avregistreringsorsak", Unicode(max_occurs="unbounded")),
        ("Sekretessmarkering", Unicode),
        ("SenasteAndringFolkbokforing", Unicode),
        ("historiskTidpunkt", Unicode),
    ]


class LookupRequest(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    __type_name__ = "LookupResidentForFullProfileType"
    _type_info = [  # noqa: RUF012
        ("personId", Unicode(max_occurs="unbounded")),
        ("lookUpSpecification", LookUpSpecificationType),
    ]


@dataclass(frozen=True, slots=True)
class Record:
    """What the filter looks at in one record that is about to be answered."""

    protected: bool
    masked: bool
    avregistreringskod: str | None
    id_kind: str
    folkbokforingsdatum: str | None


@dataclass(frozen=True, slots=True)
class Specification:
    """The parsed ``lookUpSpecification``; the empty one keeps every record."""

    reasons: frozenset[str] = frozenset()
    sekretessmarkering: str | None = None
    changed_after: str | None = None
    moment: int | None = None

    def keeps(self, record: Record) -> bool:
        """Whether ``record`` passes every given criterion."""
        shown_protected = record.protected or record.masked
        if self.sekretessmarkering is not None and (
            (self.sekretessmarkering == "J") != shown_protected
        ):
            return False
        if record.masked:
            return not self.reasons and self.changed_after is None
        if self.reasons and not self._reason_matches(record):
            return False
        if self.changed_after is not None:
            date = record.folkbokforingsdatum
            if date is None or len(date) != 8 or date <= self.changed_after:
                return False
        return True

    def _reason_matches(self, record: Record) -> bool:
        code = record.avregistreringskod
        if code is None:
            return NOT_DEREGISTERED in self.reasons
        complete = complete_code(code, record.id_kind)
        if complete is not None and complete in self.reasons:
            return True
        return "OO" in self.reasons and reduced_code(code, record.id_kind) == "OO"


@dataclass(frozen=True, slots=True)
class Lookup:
    """A checked request: the ids in request order and the filter."""

    person_ids: list[str]
    specification: Specification


def read_request(request: Any) -> Lookup:
    """Check the deserialised request and parse its filter.

    Raises :class:`RequestError` for no ids, more than :data:`MAX_IDS` ids, an
    unknown deregistration code, a malformed J/N, date or timestamp, and for
    ``historiskTidpunkt`` together with ``SenasteAndringFolkbokforing``.
    """
    ids = [value.strip() for value in request.personId or () if value and value.strip()]
    if not ids:
        raise RequestError("the request names no personId")
    if len(ids) > MAX_IDS:
        raise RequestError(f"{len(ids)} personId in one request; at most {MAX_IDS}")
    return Lookup(ids, _specification(request.lookUpSpecification))


def _specification(spec: Any) -> Specification:
    if spec is None:
        return Specification()
    reasons = frozenset(_reason(value) for value in spec.Avregistreringsorsak or ())
    secrecy = _optional(spec.Sekretessmarkering)
    if secrecy is not None and secrecy not in ("J", "N"):
        raise RequestError("lookUpSpecification/Sekretessmarkering must be J or N")
    changed_after = _optional(spec.SenasteAndringFolkbokforing)
    if changed_after is not None and not _is_moment(changed_after, "%Y%m%d", 8):
        raise RequestError("SenasteAndringFolkbokforing must be a date YYYYMMDD")
    moment = _optional(spec.historiskTidpunkt)
    if moment is not None and not _is_moment(moment, "%Y%m%d%H%M%S", 14):
        raise RequestError("historiskTidpunkt must be a timestamp YYYYMMDDhhmmss")
    if moment is not None and changed_after is not None:
        raise RequestError(
            "historiskTidpunkt cannot be combined with SenasteAndringFolkbokforing"
        )
    return Specification(
        reasons=reasons,
        sekretessmarkering=secrecy,
        changed_after=changed_after,
        moment=int(moment) if moment is not None else None,
    )


def _reason(value: str | None) -> str:
    # Two blanks are a value here, so only the outer length is checked.
    code = value or ""
    if code.strip():
        code = code.strip()
    if code not in KNOWN_REASONS:
        raise RequestError(
            "lookUpSpecification/Avregistreringsorsak must be two blanks, OO or a "
            "deregistration code (AV UV GN AN AS GS OB TA FI)"
        )
    return code


def _optional(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value.strip()


def _is_moment(value: str, layout: str, length: int) -> bool:
    if len(value) != length or not value.isascii() or not value.isdigit():
        return False
    try:
        datetime.strptime(value, layout)
    except ValueError:
        return False
    return True
