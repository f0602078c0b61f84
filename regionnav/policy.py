"""Who may ask for what, and what they may see of a protected person.

Every contract asks the same two questions, and this module is the one place
that answers them:

- :meth:`Policy.authorise`: may this consumer call this contract at this
  logical address (and ask for this profile)? The answer is a :class:`Grant`,
  or :class:`NotAuthorisedError` ("not authorised"), whose refusal is written
  to the audit trail first (result ``refused``, person id ``-``).
- :meth:`Policy.disclose`: what may the grant's holder see of one found
  person? A protected person (sekretessmarkering or skyddad folkbokföring) is
  :attr:`Disclosure.MASKED` unless the consumer holds the right to unmasked
  records (:attr:`Disclosure.UNMASKED`, audited as such).

Why a refusal names no person: it is decided before the request's ids matter,
and recording ids sent by a caller we do not trust would let anyone fill the
citizen's record of access with made-up lookups. The refusal is found by its
consumer, contract and correlation id.

Speed: registrations are held in memory. A change made through
:class:`~regionnav.consumers.Consumers` in the same process is seen at once; a
change made by another process (``regionnav consumers ...`` while the server
runs) is seen within ``ttl_seconds`` (default 5 s). That is the staleness
window of a revocation.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import NoReturn

from sqlalchemy import Engine

from regionnav import consumers
from regionnav.audit import AuditEntry, AuditTrail
from regionnav.config import HubConfig
from regionnav.consumers import Consumers, Registration, Scope
from regionnav.errors import NotAuthorisedError, RequestError
from regionnav.logs import correlation_id
from regionnav.records import Protected, StoredPerson

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 5.0
REFUSED_PERSON = "-"


class Disclosure(enum.Enum):
    """What a consumer may see of one found person; the value is the audit result."""

    FULL = "found"
    MASKED = "masked"
    UNMASKED = "unmasked"


@dataclass(frozen=True)
class Grant:
    """A successful authorisation: what one call may see."""

    consumer_id: str
    contract: str
    logical_address: str
    max_profile: int
    unmasked: bool
    scope: Scope = field(default_factory=Scope)

    def covers(self, person: StoredPerson) -> bool:
        """Whether ``person`` lives inside the consumer's population scope.

        A person outside it is answered as not found and audited
        ``out_of_scope``.
        """
        return self.scope.covers(person.lan_kod, person.kommun_kod)


class Policy:
    """Authorisation and the protected-identity rule; safe to share between threads.

    ``audit`` is the trail refusals are written to; pass the application's
    trail so that ``audit.enabled`` is honoured. Without it, refusals go to a
    trail of their own on ``engine`` (enabled).
    """

    def __init__(
        self,
        engine: Engine,
        hub: HubConfig,
        *,
        audit: AuditTrail | None = None,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
    ) -> None:
        self._registry = Consumers(engine)
        self._audit = audit if audit is not None else AuditTrail(engine)
        self._addresses = frozenset(a.lower() for a in hub.answers_for)
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        self._snapshot: dict[str, Registration] = {}
        self._loaded_at = float("-inf")
        self._generation = -1

    def authorise(
        self,
        consumer_id: str | None,
        contract: str,
        logical_address: str,
        profile: int | None = None,
    ) -> Grant:
        """The grant for this call, or a refusal.

        ``profile`` is the profile the request asks for (GetPersonsForProfile);
        a profile above the consumer's highest is refused too.

        Raises :class:`RequestError` if ``logical_address`` is not one this hub
        answers for (checked first, as the national platform routes before it
        authorises); :class:`NotAuthorisedError` ("not authorised") for an
        unknown or inactive consumer or a call outside its rights, after
        auditing the refusal; :class:`~regionnav.errors.AuditError` if that
        record cannot be written; :class:`~regionnav.errors.StoreError` if the
        registry cannot be read.
        """
        if logical_address.lower() not in self._addresses:
            raise RequestError("logical address not served by this hub")

        registration = self._registrations().get((consumer_id or "").lower())
        reason = _refusal(registration, contract, logical_address, profile)
        if registration is None or reason is not None:
            self._refuse(consumer_id, contract, logical_address, reason or "")
        return Grant(
            consumer_id=registration.consumer_id,
            contract=contract,
            logical_address=logical_address,
            max_profile=registration.max_profile,
            unmasked=registration.unmasked,
            scope=registration.scope,
        )

    def disclose(self, grant: Grant, person: Protected) -> Disclosure:
        """What ``grant``'s holder may see of ``person``; THE protected-identity rule.

        Either protection flag makes the person protected. A protected person
        is masked (the contract's minimal form) unless the grant holds the
        unmasked right.
        """
        if not person.protected:
            return Disclosure.FULL
        return Disclosure.UNMASKED if grant.unmasked else Disclosure.MASKED

    def _refuse(
        self, consumer_id: str | None, contract: str, logical_address: str, reason: str
    ) -> NoReturn:
        who = (consumer_id or "-")[:64]
        logger.info("refused %s calling %s: %s", who, contract, reason)
        entry = AuditEntry(
            consumer_id=who,
            contract=contract,
            person_id=REFUSED_PERSON,
            result="refused",
            logical_address=logical_address,
            correlation_id=correlation_id.get()[:64],
        )
        self._audit.record([entry])
        raise NotAuthorisedError("not authorised")

    def _registrations(self) -> dict[str, Registration]:
        if self._fresh():
            return self._snapshot
        with self._lock:
            if not self._fresh():
                generation = consumers.generation()
                self._snapshot = self._registry.all()
                self._loaded_at = time.monotonic()
                self._generation = generation
            return self._snapshot

    def _fresh(self) -> bool:
        return (
            self._generation == consumers.generation()
            and time.monotonic() - self._loaded_at < self._ttl
        )


def _refusal(
    registration: Registration | None,
    contract: str,
    logical_address: str,
    profile: int | None,
) -> str | None:
    """Why the call is refused, or ``None`` if it is not."""
    if registration is None:
        return "unknown consumer"
    if not registration.active_on(consumers.today()):
        return "consumer not active"
    if not registration.may_call(contract, logical_address):
        return "contract not granted at this logical address"
    if registration.max_profile < consumers.MIN_PROFILE.get(contract, 1):
        return "profile too low for this contract"
    if profile is not None and profile > registration.max_profile:
        return "profile above the consumer's highest"
    return None
