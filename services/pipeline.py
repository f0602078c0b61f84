"""The per-request pipeline every contract follows.

For one SOAP call the endpoint (:mod:`services.soap`) creates a :class:`Call`
with a fresh correlation id and the consumer id the transport verified. The
contract's operation then goes through the same steps:

1. :meth:`Call.authorise` — the ``LogicalAddress`` header is required; the
   policy checks that the hub answers for it and that the consumer may call
   this contract (:meth:`regionnav.policy.Policy.authorise`).
2. :func:`look_up` — one store round trip for all requested ids; for each id
   the grant's population scope (outside it: answered as not found) and the
   protected-identity decision (:meth:`regionnav.policy.Policy.disclose`, the
   only place that rule lives).
3. The contract maps what it may show into its answer.
4. The audit entries :func:`look_up` collected (one per person) are written by
   :meth:`Call.before_answer`, which the endpoint runs after the answer is
   built and before it is sent. A failure there fails the request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from regionnav.audit import AuditEntry, AuditTrail
from regionnav.config import Config
from regionnav.errors import RequestError, StoreError
from regionnav.policy import Disclosure, Grant, Policy
from regionnav.records import Records, StoredPerson
from regionnav.store.engine import checkpoint_in_background

NOT_FOUND = "not_found"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Runtime:
    """What all requests share; built once at start-up and passed explicitly."""

    config: Config
    engine: Engine
    records: Records
    policy: Policy
    audit: AuditTrail

    @classmethod
    def build(cls, config: Config, engine: Engine) -> Runtime:
        # Every request commits (the audit trail): keep SQLite's checkpoints
        # out of the requests.
        checkpoint_in_background(engine)
        audit = AuditTrail(engine, enabled=config.audit.enabled)
        audit.open_for_appends()
        return cls(
            config=config,
            engine=engine,
            records=Records(engine),
            policy=Policy(engine, config.hub, audit=audit),
            audit=audit,
        )


@dataclass
class Call:
    """One SOAP request on its way through the pipeline."""

    contract: str
    consumer_id: str | None
    correlation_id: str
    runtime: Runtime
    logical_address: str | None = None
    grant: Grant | None = None
    outcome: str = ""
    results: Counter[str] = field(default_factory=Counter)
    _hooks: list[Callable[[], None]] = field(default_factory=list)

    def authorise(self, profile: int | None = None) -> Grant:
        """Check the LogicalAddress header and the consumer's right to call.

        ``profile`` is the profile the request asks for, where the contract has
        one (a profile above the consumer's highest is refused).

        Raises :class:`RequestError` when the header is missing or names an
        address the hub does not answer for, and
        :class:`~regionnav.errors.NotAuthorisedError` when the consumer may not
        call this contract.
        """
        if self.logical_address is None:
            raise RequestError("the LogicalAddress header is missing or empty")
        self.grant = self.runtime.policy.authorise(
            self.consumer_id, self.contract, self.logical_address, profile
        )
        return self.grant

    def audit(self, entries: Sequence[AuditEntry]) -> None:
        """Have ``entries`` written before the answer leaves (one transaction)."""
        self._hooks.append(lambda: self.runtime.audit.record(entries))

    def before_answer(self) -> None:
        """Run what must happen before the answer is sent; raises what they raise."""
        for hook in self._hooks:
            hook()

    def summary(self) -> str:
        """Result counts for the request's log line (no ids, no personal data)."""
        counts = " ".join(f"{key}={n}" for key, n in sorted(self.results.items()))
        return " ".join(part for part in (self.outcome, counts) if part) or "ok"


@dataclass(frozen=True, slots=True)
class Seen:
    """One requested id after scope and disclosure.

    ``person`` is ``None`` when the id is not answered (not in the mirror, or
    outside the grant's population); ``disclosure`` then is ``None`` too.
    """

    person_id: str
    person: StoredPerson | None
    disclosure: Disclosure | None
    result: str


def look_up(
    call: Call, person_ids: Sequence[str], moment: int | None = None
) -> list[Seen]:
    """Read ``person_ids`` (current, or as they were at ``moment``) and decide.

    Returns one :class:`Seen` per distinct id, in request order, and queues one
    audit entry per person. With a ``moment``, a person protected now is
    treated as protected in the past too: the stricter of the two disclosures
    applies, since an old address can still lead to a protected person.
    Requires :meth:`Call.authorise` first. Raises :class:`StoreError` when the
    store cannot be read.
    """
    grant = call.grant
    if grant is None:
        raise RuntimeError("look_up before authorise")
    ids = list(dict.fromkeys(person_ids))
    records = call.runtime.records
    try:
        found = records.current(ids) if moment is None else records.as_of(ids, moment)
        now = found if moment is None else records.current(ids)
    except SQLAlchemyError as exc:
        raise StoreError(f"the store cannot be read: {type(exc).__name__}") from exc

    policy = call.runtime.policy
    seen = [_decide(policy, grant, pid, found.get(pid), now.get(pid)) for pid in ids]
    call.results.update(item.result for item in seen)
    call.audit(
        [
            AuditEntry(
                consumer_id=grant.consumer_id,
                contract=call.contract,
                person_id=item.person_id,
                result=item.result,
                logical_address=grant.logical_address,
                correlation_id=call.correlation_id,
            )
            for item in seen
        ]
    )
    return seen


def _decide(
    policy: Policy,
    grant: Grant,
    person_id: str,
    person: StoredPerson | None,
    current: StoredPerson | None,
) -> Seen:
    if person is None:
        return Seen(person_id, None, None, NOT_FOUND)
    if not grant.covers(person):
        return Seen(person_id, None, None, OUT_OF_SCOPE)

    disclosure = policy.disclose(grant, person)
    if current is not None and current is not person:
        disclosure = _stricter(disclosure, policy.disclose(grant, current))
    return Seen(person_id, person, disclosure, disclosure.value)


def _stricter(first: Disclosure, second: Disclosure) -> Disclosure:
    if Disclosure.MASKED in (first, second):
        return Disclosure.MASKED
    if Disclosure.UNMASKED in (first, second):
        return Disclosure.UNMASKED
    return Disclosure.FULL
