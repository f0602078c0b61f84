"""``population:residentmaster`` LookupResidentForFullProfile 1.1 (1.0 compatible).

Versions 1.0 and 1.1 share their namespaces and this endpoint: a 1.0
consumer's request simply lacks the 1.1 filter elements, and the 1.1 answer is
valid for it too, since every 1.1 addition sits in the ``...:1.1`` namespace
where the 1.0 schema has a lax wildcard (its own ``PersonIdTYPE`` pattern is
broken and rejects every personnummer, whoever produces them).

:mod:`.request` reads the request and its filter, :mod:`.mapping` renders a
stored Navet post as a resident, :mod:`.service` puts the two together.
"""

from __future__ import annotations

from typing import Any

from services.residentmaster.request import ELEMENT, NAMESPACE, LookupRequest
from services.residentmaster.service import answer
from services.soap import Contract, ContractService, operation


class LookupResidentForFullProfile(ContractService):
    """The spyne service of the residentmaster contract."""

    @operation(ELEMENT, LookupRequest)
    def LookupResidentForFullProfile(ctx: Any, request: Any) -> Any:  # noqa: N802, N805
        return answer(ctx.udc, request)


CONTRACT = Contract(
    name="residentmaster",
    path="/population/residentmaster/LookupResidentForFullProfile/1/rivtabp21",
    namespace=NAMESPACE,
    element=ELEMENT,
    soap_action=(
        "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1:"
        "LookupResidentForFullProfile"
    ),
    service=LookupResidentForFullProfile,
    wsdl="LookupResidentForFullProfileInteraction_1.1_RIVTABP21.wsdl",
)
