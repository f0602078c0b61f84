"""``strategicresourcemanagement:persons:person`` GetPersonsForProfile 5.0 and 3.1.

Inera's PU contract, answered from the Navet mirror: 1..500 ``personId``
(personnummer or samordningsnummer OID + number), a profile P1-P5 and
``ignoreReferredIdentity``. Each version has its own endpoint (the URL names
the major version) and its own namespaces; everything else is shared.

- :mod:`.contract`: names, namespaces, OIDs, profiles, limits;
- :mod:`.request`: the spyne request models and the request checks;
- :mod:`.lookup`: which person answers each number (number changes followed);
- :mod:`.record5`, :mod:`.record3`: the one place per version that maps a
  stored post to ``personRecord`` by profile, masked form included;
- :mod:`.writer`, :mod:`.tree`, :mod:`.post`: the pieces those two share;
- :mod:`.response`: ``requestedPersonRecord`` and the response element;
- :mod:`.service`: the steps of one call.
"""

from __future__ import annotations

from typing import Any

from services.persons.contract import OPERATION, V3, V5, Version
from services.persons.request import request_model
from services.persons.service import answer
from services.soap import Contract, ContractService, operation

REQUEST_5 = request_model(V5)
REQUEST_3 = request_model(V3)


class GetPersonsForProfile5(ContractService):
    """The spyne service of GetPersonsForProfile 5.0."""

    @operation(OPERATION, REQUEST_5)
    def GetPersonsForProfile(ctx: Any, request: Any) -> Any:  # noqa: N802, N805
        return answer(ctx.udc, V5, request)


class GetPersonsForProfile3(ContractService):
    """The spyne service of GetPersonsForProfile 3.1."""

    @operation(OPERATION, REQUEST_3)
    def GetPersonsForProfile(ctx: Any, request: Any) -> Any:  # noqa: N802, N805
        return answer(ctx.udc, V3, request)


def _contract(version: Version, service: type[ContractService]) -> Contract:
    return Contract(
        name="persons",
        path=version.path,
        namespace=version.responder,
        element=OPERATION,
        soap_action=version.soap_action,
        service=service,
        wsdl=version.wsdl_file.name,
    )


CONTRACT_5 = _contract(V5, GetPersonsForProfile5)
CONTRACT_3 = _contract(V3, GetPersonsForProfile3)
CONTRACTS = (CONTRACT_5, CONTRACT_3)
