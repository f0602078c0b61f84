"""The one place where an error becomes a SOAP 1.1 fault.

RIV-TA contracts define no faults of their own: a refused or failed call is
answered with a generic SOAP 1.1 fault and HTTP 500 (WS-I Basic Profile). The
``faultcode`` says whose mistake it was:

- ``soap:Client`` for :class:`~regionnav.errors.RequestError` (which includes
  :class:`~regionnav.errors.NotAuthorisedError`) and
  :class:`~regionnav.errors.UnsafeXmlError`: the caller can fix the request
  (``soap:MustUnderstand`` for its
  :class:`~regionnav.errors.MustUnderstandError`: a mandatory header that is
  not understood here);
- ``soap:Server`` for everything else: the store is down, the audit trail
  cannot be written, or a bug.

Every fault gets a fresh error id (a UUID). It ends the ``faultstring`` and is
logged together with the correlation id, so an operator can go from a
consumer's complaint to the log line. A ``faultstring`` never carries personal
data and never a traceback: a client fault repeats the message of the
Regionnav error, whose messages name elements and limits, never values; a
server fault says only what kind of failure it was.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from dataclasses import dataclass

from lxml import etree

from regionnav.errors import (
    AuditError,
    MustUnderstandError,
    RegionnavError,
    RequestError,
    StoreError,
    UnsafeXmlError,
)

logger = logging.getLogger(__name__)

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CONTENT_TYPE = "text/xml; charset=utf-8"
HTTP_STATUS = "500 Internal Server Error"

_SERVER_TEXTS: tuple[tuple[type[RegionnavError], str], ...] = (
    (StoreError, "the population store is not available"),
    (AuditError, "the access could not be recorded, so nothing is answered"),
)


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault ready to be sent: ``code`` is ``Client`` or ``Server``."""

    code: str
    text: str
    error_id: str

    @property
    def faultstring(self) -> str:
        return f"{self.text} (error id {self.error_id})"

    def body(self) -> bytes:
        """The whole SOAP 1.1 envelope carrying this fault, UTF-8 encoded."""
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
        body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
        fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
        # faultcode and faultstring are unqualified (SOAP 1.1 section 4.4).
        etree.SubElement(fault, "faultcode").text = f"soap:{self.code}"
        etree.SubElement(fault, "faultstring").text = self.faultstring
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def fault_for(exc: BaseException, contract: str = "-") -> Fault:
    """Translate ``exc`` into a fault and log it with a fresh error id.

    ``contract`` names the endpoint in the log line. Client faults are logged
    at INFO (the caller's mistake), server faults at ERROR; an unexpected
    exception is logged with its stack but without its message, since a
    message from a lower layer may quote data.
    """
    error_id = str(uuid.uuid4())
    if isinstance(exc, RequestError | UnsafeXmlError):
        logger.info(
            "%s: client fault %s: %s: %s",
            contract,
            error_id,
            type(exc).__name__,
            exc,
        )
        code = "MustUnderstand" if isinstance(exc, MustUnderstandError) else "Client"
        return Fault(code, str(exc), error_id)

    if isinstance(exc, RegionnavError):
        logger.error(
            "%s: server fault %s: %s: %s", contract, error_id, type(exc).__name__, exc
        )
        return Fault("Server", _server_text(exc), error_id)

    stack = "".join(traceback.format_tb(exc.__traceback__))
    logger.error(
        "%s: server fault %s: unexpected %s\n%s",
        contract,
        error_id,
        type(exc).__name__,
        stack,
    )
    return Fault("Server", "internal error", error_id)


def _server_text(exc: RegionnavError) -> str:
    for kind, text in _SERVER_TEXTS:
        if isinstance(exc, kind):
            return text
    return "internal error"
