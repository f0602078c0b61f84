"""``itintegration:monitoring`` PingForConfiguration 1.0.

Every RIV-TA 2.1 producer exposes it (BP 2.1 rule 21). The answer says which
component answered and when; it is given only after the mirror has answered a
query (when the newest delivery was imported, which is also reported), so a
monitor sees a Server fault when the store is down or not set up. The request's
``serviceContractNamespace`` and ``logicalAddress`` are for intermediaries and
not used here; the ``LogicalAddress`` header and the caller's right to ping
are checked like in every other contract. No person is read, so nothing is
audited.
"""

from __future__ import annotations

import platform
from datetime import datetime
from typing import Any

from lxml import etree
from spyne import ComplexModel, Unicode
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

import regionnav
from regionnav.errors import StoreError
from regionnav.store.models import Delivery
from services.pipeline import Call
from services.soap import Contract, ContractService, operation

NAMESPACE = "urn:riv:itintegration:monitoring:PingForConfigurationResponder:1"
ELEMENT = "PingForConfiguration"
VERSION = f"Regionnav {regionnav.__version__}"


class PingForConfigurationType(ComplexModel):  # type: ignore[misc]
    __namespace__ = NAMESPACE
    __type_name__ = "PingForConfigurationType"
    _type_info = [  # noqa: RUF012  (spyne reads this class attribute)
        ("serviceContractNamespace", Unicode),
        ("logicalAddress", Unicode),
    ]


class PingForConfiguration(ContractService):
    """The spyne service of the ping contract."""

    @operation(ELEMENT, PingForConfigurationType)
    def PingForConfiguration(ctx: Any, request: PingForConfigurationType) -> Any:  # noqa: N802, N805
        return answer(ctx.udc)


def answer(call: Call) -> etree._Element:
    """Authorise, touch the store, and build the response element.

    Raises what :meth:`Call.authorise` raises, and
    :class:`~regionnav.errors.StoreError` when the store does not answer.
    """
    call.authorise()
    imported = _last_import(call)
    call.outcome = "store answered"

    response = etree.Element(f"{{{NAMESPACE}}}PingForConfigurationResponse")
    etree.SubElement(response, f"{{{NAMESPACE}}}version").text = VERSION
    etree.SubElement(
        response, f"{{{NAMESPACE}}}pingDateTime"
    ).text = datetime.now().strftime("%Y%m%d%H%M%S")
    for name, value in _configuration(call, imported):
        entry = etree.SubElement(response, f"{{{NAMESPACE}}}configuration")
        etree.SubElement(entry, f"{{{NAMESPACE}}}name").text = name
        etree.SubElement(entry, f"{{{NAMESPACE}}}value").text = value
    return response


def _last_import(call: Call) -> str:
    query = select(func.max(Delivery.finished_at))
    try:
        with call.runtime.engine.connect() as connection:
            newest = connection.execute(query).scalar_one()
    except SQLAlchemyError as exc:
        raise StoreError(f"the store does not answer: {type(exc).__name__}") from exc
    return newest.strftime("%Y%m%d%H%M%S") if newest is not None else "none"


def _configuration(call: Call, imported: str) -> list[tuple[str, str]]:
    return [
        ("hubHsaId", call.runtime.config.hub.hsa_id),
        ("store", call.runtime.engine.dialect.name),
        ("lastDeliveryImported", imported),
        ("python", platform.python_version()),
    ]


CONTRACT = Contract(
    name="ping",
    path="/itintegration/monitoring/PingForConfiguration/1/rivtabp21",
    namespace=NAMESPACE,
    element=ELEMENT,
    soap_action=(
        "urn:riv:itintegration:monitoring:PingForConfigurationResponder:1:"
        "PingForConfiguration"
    ),
    service=PingForConfiguration,
    wsdl="PingForConfigurationInteraction_1.0_RIVTABP21.wsdl",
)
