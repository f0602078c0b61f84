"""The GetPersonsForProfile request: spyne models per version, and its checks.

Spyne deserialises the request element into the models made here (its own
validation is off, see :mod:`services.soap`); :func:`read_request` checks
what the answer relies on and raises :class:`RequestError`, a ``soap:Client``
fault, for what the caller must fix: no ``personId``, more than 500, a
reserved or unknown profile, a missing ``ignoreReferredIdentity`` or one that
is not an ``xs:boolean`` (spyne's own Boolean would read ``maybe`` as false).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spyne import ComplexModel, Unicode

from regionnav.audit.entries import LIMITS
from regionnav.errors import RequestError
from services.persons.contract import MAX_IDS, OPERATION, Profile, Version
from services.persons.response import RequestedId


@dataclass(frozen=True, slots=True)
class Lookup:
    """A checked request: the ids in request order, the profile, the flag."""

    requested: tuple[RequestedId, ...]
    profile: Profile
    ignore_referred: bool

    @property
    def person_ids(self) -> list[str]:
        """The distinct numbers to read from the mirror, in request order."""
        ids = (item.person_id for item in self.requested)
        return list(dict.fromkeys(pid for pid in ids if pid is not None))


def request_model(version: Version) -> type[Any]:
    """The spyne model of ``GetPersonsForProfileType`` in ``version``'s namespaces."""
    identity: Any = type(
        "IIType",
        (ComplexModel,),
        {
            "__namespace__": version.core,
            "__type_name__": "IIType",
            "_type_info": [("root", Unicode), ("extension", Unicode)],
        },
    )
    return type(
        f"{OPERATION}Type",
        (ComplexModel,),
        {
            "__namespace__": version.responder,
            "__type_name__": f"{OPERATION}Type",
            "_type_info": [
                ("personId", identity.customize(max_occurs="unbounded")),
                ("profile", Unicode),
                ("ignoreReferredIdentity", Unicode),
            ],
        },
    )


def profile_of(request: Any) -> Profile:
    """The requested profile; raises :class:`RequestError` for P6-P10 and others."""
    return Profile.parse(getattr(request, "profile", None) or "")


def read_request(request: Any) -> Lookup:
    """Check a deserialised request and return what the answer needs.

    Raises :class:`RequestError` naming the element at fault (never a value).
    """
    identities = list(getattr(request, "personId", None) or [])
    if not identities:
        raise RequestError("personId is missing; at least one is required")
    if len(identities) > MAX_IDS:
        raise RequestError(f"more than {MAX_IDS} personId in one request")
    ignore = _boolean(getattr(request, "ignoreReferredIdentity", None))
    if ignore is None:
        raise RequestError("ignoreReferredIdentity is missing or not a boolean")

    requested = tuple(
        RequestedId(item.root or "", item.extension)
        for item in identities
        if item is not None
    )
    if len(requested) != len(identities) or any(not r.root.strip() for r in requested):
        raise RequestError("a personId has no root")
    for item in requested:
        _check_identity("root", item.root)
        _check_identity("extension", item.extension or "")
    return Lookup(requested, profile_of(request), ignore)


def _check_identity(part: str, value: str) -> None:
    # The rule the audit trail holds every person id to, applied to both parts
    # before any is echoed back: residentmaster's ids meet it when audited.
    limit = LIMITS["person_id"]
    if len(value) > limit:
        raise RequestError(f"a personId/{part} is longer than {limit} characters")
    if not value.isprintable():
        raise RequestError(f"a personId/{part} holds control characters")


_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def _boolean(value: str | None) -> bool | None:
    # xs:boolean: the four literals, whitespace collapsed; anything else is None.
    return _BOOLEANS.get(value.strip()) if value is not None else None
