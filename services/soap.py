"""One RIV-TA endpoint: transport checks, spyne dispatch, the SOAP envelope.

How a request travels (the choice, and why):

1. **Transport checks first.** ``POST`` only (any other method but ``GET``
   gets a Client fault); the body is capped at
   ``server.max_body_bytes`` before a byte of it is parsed; the ``SOAPAction``
   header must name this endpoint's operation. ``GET ?wsdl`` and
   ``GET ?xsd=<file>`` serve the project's own contract description.
2. **One hardened parse.** The body is parsed once, by
   :func:`regionnav.xmlsafe.fromstring` (no DTD, no entities, no network), and
   the envelope shape is checked (``Envelope``, one ``Body`` child that is this
   contract's request element). Spyne's own parser never sees the bytes: the
   request element and the header are handed to spyne's SOAP 1.1 protocol.
3. **Spyne deserialises.** Each contract is a spyne ``ServiceBase`` with one
   ``@rpc`` operation in document/literal *bare* style, looked up once at
   start-up; spyne turns the request element into a spyne model (and the
   ``LogicalAddress`` header, which lives in
   ``urn:riv:itintegration:registry:1``, into ``ctx.in_header``), and the
   endpoint calls the operation with an :class:`OperationContext`. This keeps
   the request side declarative and costs about 0.03 ms for a one-id call.
   Spyne's validator is off: its messages quote values, and the contract code
   checks what it relies on.
4. **The answer is an lxml element** built by the contract's mapping, put into
   the envelope here. Spyne's serialiser is bypassed on purpose: it would
   re-declare namespaces its own way, and the response element must come out
   exactly as the XSD describes (the 1.1 elements in their own namespace, in
   sequence position). For the same reason the WSDL served at ``?wsdl`` is the
   file under ``wsdl/``, not spyne's generated one (spyne gets a header in a
   foreign namespace wrong).
5. **Audit, then answer.** Hooks the contract registered on the
   :class:`~services.pipeline.Call` (the audit record) run after the answer is
   built and before a byte of it is sent; if one fails, a Server fault goes
   out instead.

Any exception on the way becomes a fault in :mod:`services.faults`, the only
place that renders faults. Spyne's loggers are silenced below ``CRITICAL``,
because some of them log request values.
"""

from __future__ import annotations

import logging
import re
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from cheroot.errors import MaxSizeExceeded
from lxml import etree
from spyne import AnyXml, Application, ServiceBase, Unicode, rpc
from spyne.model.fault import Fault as SpyneFault
from spyne.protocol.soap import Soap11

from regionnav import logs, xmlsafe
from regionnav.errors import MustUnderstandError, RequestError, UnsafeXmlError
from services import faults
from services.contractfiles import ContractFiles

if TYPE_CHECKING:
    from services.pipeline import Call, Runtime

logger = logging.getLogger(__name__)

# Some spyne modules log request values (at DEBUG and on invalid input);
# personal data must not reach a log at any level.
logging.getLogger("spyne").setLevel(logging.CRITICAL)

SOAP_ENV = faults.SOAP_ENV
REGISTRY_NS = "urn:riv:itintegration:registry:1"
_ENVELOPE = f"{{{SOAP_ENV}}}Envelope"
_HEADER = f"{{{SOAP_ENV}}}Header"
_BODY = f"{{{SOAP_ENV}}}Body"
_LOGICAL_ADDRESS = f"{{{REGISTRY_NS}}}LogicalAddress"
_MUST_UNDERSTAND = f"{{{SOAP_ENV}}}mustUnderstand"
_LOGICAL_ADDRESS = f"{{{REGISTRY_NS}}}LogicalAddress"
_CORRELATION_HEADER = "HTTP_X_SKLTP_CORRELATION_ID"
# Attributes one request element may carry (xsi:nil, xsi:type,
# mustUnderstand and the like); see _refuse_crowded_elements.
MAX_ATTRIBUTES = 16
_SAFE_CORRELATION = re.compile(r"[A-Za-z0-9._:-]{8,64}")

StartResponse = Callable[..., Any]


class LogicalAddress(Unicode):  # type: ignore[misc]
    """The RIV-TA BP 2.1 addressing header, ``{urn:riv:itintegration:registry:1}``."""

    __namespace__ = REGISTRY_NS
    __type_name__ = "LogicalAddress"


class ContractService(ServiceBase):  # type: ignore[misc]
    """Base of every contract's spyne service; see :func:`operation`.

    The endpoint calls the operation itself, so exceptions from it reach the
    endpoint unchanged (never spyne's generic handling) and
    :mod:`services.faults` renders them.
    """

    __in_header__ = LogicalAddress


@dataclass(frozen=True, slots=True)
class OperationContext:
    """What an operation gets as ``ctx``: the call and the LogicalAddress.

    ``udc`` and ``in_header`` carry the names spyne's ``MethodContext`` gives
    them; ``app`` is the spyne application, which spyne's deserialiser may ask
    for (``xsi:type``).
    """

    udc: Call | None
    in_header: Any
    app: Application


def operation(element: str, request: type[Any]) -> Callable[..., Any]:
    """Declare a contract operation: ``element`` is the request element's name.

    ``request`` is the spyne ``ComplexModel`` of the request element's type; its
    ``__namespace__`` is the Responder namespace. The decorated function gets
    ``(ctx, request)``; ``ctx.udc`` is the :class:`~services.pipeline.Call`,
    ``ctx.in_header`` the LogicalAddress. It returns the response element.
    """
    return rpc(  # type: ignore[no-any-return]
        request,
        _body_style="bare",
        _in_message_name=element,
        _operation_name=element,
        _returns=AnyXml,
    )


@dataclass(frozen=True)
class Contract:
    """What an endpoint needs to know about its contract.

    ``name`` is the contract as policy and audit know it (``residentmaster``,
    ``persons``, ``ping``); ``namespace`` the Responder namespace, ``element``
    the request element; ``wsdl`` the file name under the top-level ``wsdl/``.
    """

    name: str
    path: str
    namespace: str
    element: str
    soap_action: str
    service: type[ContractService]
    wsdl: str

    @property
    def request_tag(self) -> str:
        return f"{{{self.namespace}}}{self.element}"


class Endpoint:
    """The WSGI application of one contract at one URL path.

    Build once at start-up (spyne's Application and the WSDL are prepared
    here, never per request); safe to call from many threads.
    """

    def __init__(self, contract: Contract, runtime: Runtime) -> None:
        self.contract = contract
        self.runtime = runtime
        self.max_body_bytes = runtime.config.server.max_body_bytes
        self._files = ContractFiles(contract.wsdl)
        self._app = Application(
            [contract.service],
            tns=contract.namespace,
            name=contract.service.__name__,
            in_protocol=Soap11(),
            out_protocol=Soap11(),
        )
        # The one operation of this contract, looked up once instead of per
        # request (spyne's method map, keyed by the request element).
        (self._operation,) = self._app.interface.service_method_map[
            contract.request_tag
        ]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        method = environ.get("REQUEST_METHOD", "GET")
        if method in ("GET", "HEAD"):
            return self._describe(environ, start_response)
        # Any other method is answered as a SOAP request gone wrong: a fault
        # with an error id in the log, like every other refusal.
        return self._serve(environ, start_response)

    # -- one SOAP request -------------------------------------------------------

    def _serve(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        from services.pipeline import Call

        started = time.perf_counter()
        correlation_id = _correlation_id(environ)
        call = Call(
            contract=self.contract.name,
            consumer_id=environ.get("regionnav.consumer_id"),
            correlation_id=correlation_id,
            runtime=self.runtime,
        )
        try:
            answer = self._answer(environ, call)
            call.before_answer()
            status, payload = "200 OK", envelope(answer)
        # The WSGI boundary: whatever failed, the caller gets a fault.
        except Exception as exc:
            fault = faults.fault_for(exc, self.contract.name)
            status, payload = faults.HTTP_STATUS, fault.body()
            call.outcome = f"{fault.code.lower()} fault {fault.error_id}"

        # The correlation id is on every record (regionnav.logs filter).
        logger.info(
            "%s served: %s in %.1f ms",
            self.contract.name,
            call.summary(),
            (time.perf_counter() - started) * 1000,
        )
        start_response(
            status,
            [
                ("Content-Type", faults.CONTENT_TYPE),
                ("Content-Length", str(len(payload))),
                ("X-Skltp-Correlation-Id", correlation_id),
            ],
        )
        return [payload]

    def _answer(self, environ: dict[str, Any], call: Call) -> etree._Element:
        if environ.get("REQUEST_METHOD") != "POST":
            raise RequestError("SOAP requests are sent with HTTP POST")
        body = _read_body(environ, self.max_body_bytes)
        self._check_action(environ)
        root = xmlsafe.fromstring(body, self.max_body_bytes)
        _refuse_crowded_elements(root)
        header, request = self._envelope_parts(root)
        _refuse_mandatory_headers(header)
        return self._dispatch(header, request, call)

    def _check_action(self, environ: dict[str, Any]) -> None:
        action = environ.get("HTTP_SOAPACTION", "").strip().strip('"')
        if action != self.contract.soap_action:
            raise RequestError(
                "the SOAPAction header does not name this endpoint's operation "
                f"({self.contract.element})"
            )

    def _envelope_parts(
        self, root: etree._Element
    ) -> tuple[etree._Element | None, etree._Element]:
        """The envelope's first Header (if any) and its request element."""
        if root.tag != _ENVELOPE:
            raise RequestError("the document is not a SOAP 1.1 Envelope")
        bodies = [child for child in root if child.tag == _BODY]
        payload = [c for c in bodies[0] if isinstance(c.tag, str)] if bodies else []
        if len(bodies) != 1 or len(payload) != 1:
            raise RequestError("the SOAP Body must hold exactly one element")
        if payload[0].tag != self.contract.request_tag:
            raise RequestError(
                f"this endpoint answers {self.contract.element} in "
                f"{self.contract.namespace} only"
            )
        return root.find(_HEADER), payload[0]

    def _dispatch(
        self, header: etree._Element | None, request: etree._Element, call: Call
    ) -> etree._Element:
        # What spyne's server does for a document/literal bare operation, less
        # what is known at start-up or unused here: the envelope is taken apart
        # above, the operation was looked up once, no spyne event handler is
        # registered, and the operation is called directly. Spyne's
        # deserialiser turns the elements into its models.
        protocol = self._app.in_protocol
        context = OperationContext(None, None, self._app)
        # As spyne reads headers: the last LogicalAddress counts.
        addresses = [] if header is None else header.findall(_LOGICAL_ADDRESS)
        try:
            address = None
            if addresses:
                address = protocol.from_element(context, LogicalAddress, addresses[-1])
            model = protocol.from_element(context, self._operation.in_message, request)
        except (SpyneFault, ValueError, TypeError) as exc:
            # Spyne's messages may quote request values; say only where it was.
            raise RequestError(
                f"the {self.contract.element} request does not follow the contract"
            ) from exc

        call.logical_address = _text(address)
        context = OperationContext(call, address, self._app)
        answer = self._operation.function(context, model)
        if not isinstance(answer, etree._Element):
            raise TypeError(f"{self.contract.element} returned no element")
        return answer

    # -- the contract description ----------------------------------------------

    def _describe(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        document: bytes | None = None
        if "wsdl" in query:
            document = self._files.wsdl(_own_url(environ))
        elif "xsd" in query:
            document = self._files.xsd(query["xsd"][0])
        if document is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"ask for ?wsdl or ?xsd=<file>\n"]
        start_response(
            "200 OK",
            [
                ("Content-Type", faults.CONTENT_TYPE),
                ("Content-Length", str(len(document))),
            ],
        )
        return [document]


def envelope(answer: etree._Element) -> bytes:
    """Wrap a response element in a SOAP 1.1 envelope, UTF-8 encoded."""
    root = etree.Element(_ENVELOPE, nsmap={"soap": SOAP_ENV})
    etree.SubElement(root, _BODY).append(answer)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _read_body(environ: dict[str, Any], limit: int) -> bytes:
    declared = (environ.get("CONTENT_LENGTH") or "").strip()
    if declared and not declared.isdigit():
        # A negative length would have the server read until the client stops.
        raise RequestError("the Content-Length header is not a byte count")
    if declared and int(declared) > limit:
        raise UnsafeXmlError(f"request body of {int(declared)} bytes exceeds {limit}")
    stream = environ["wsgi.input"]
    size = int(declared) if declared else limit + 1
    try:
        body: bytes = stream.read(size)
    # Cheroot's cap, met in a chunked body: MaxSizeExceeded, or a bare OSError
    # for a single chunk larger than the rest of the cap allows.
    except MaxSizeExceeded as exc:
        raise UnsafeXmlError(f"request body exceeds {limit} bytes") from exc
    except (TimeoutError, ConnectionError, ssl.SSLError) as exc:
        raise RequestError("the request body did not arrive whole") from exc
    except OSError as exc:
        raise UnsafeXmlError(f"request body exceeds {limit} bytes") from exc
    except ValueError as exc:  # cheroot: broken chunked transfer coding
        raise RequestError("the chunked transfer coding is malformed") from exc
    if len(body) > limit:
        raise UnsafeXmlError(f"request body exceeds {limit} bytes")
    return body


def _refuse_crowded_elements(root: etree._Element) -> None:
    # Spyne's deserialiser takes time that grows with the square of an
    # element's attributes: 100,000 of them in 1 MB held a worker for 45 s.
    # No element of these contracts carries more than a few.
    for element in root.iter():
        if len(element.attrib) > MAX_ATTRIBUTES:
            raise RequestError(
                f"an element of the request carries more than {MAX_ATTRIBUTES} "
                "attributes"
            )


def _refuse_mandatory_headers(header: etree._Element | None) -> None:
    # SOAP 1.1 4.2.3: a header marked mustUnderstand that is not understood
    # must fail the call; answering anyway would let a caller believe that,
    # say, a security header of its own had been honoured.
    for block in header if header is not None else ():
        if not isinstance(block.tag, str) or block.tag == _LOGICAL_ADDRESS:
            continue
        if (block.get(_MUST_UNDERSTAND) or "").strip() in ("1", "true"):
            raise MustUnderstandError(
                "a SOAP header marked mustUnderstand is not understood here"
            )


def _correlation_id(environ: dict[str, Any]) -> str:
    # A platform (VP) may pass its correlation id; take it only if it is plain.
    offered = environ.get(_CORRELATION_HEADER, "")
    if _SAFE_CORRELATION.fullmatch(offered):
        logs.correlation_id.set(offered)
        return str(offered)
    return logs.new_correlation_id()


def _own_url(environ: dict[str, Any]) -> str:
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '')}"
    )
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{scheme}://{host}{path}"


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def endpoints(contracts: Iterable[Contract], runtime: Runtime) -> dict[str, Endpoint]:
    """Build one :class:`Endpoint` per contract, keyed by URL path."""
    built: dict[str, Endpoint] = {}
    for contract in contracts:
        if contract.path in built:
            raise ValueError(f"two contracts at {contract.path}")
        built[contract.path] = Endpoint(contract, runtime)
    return built
