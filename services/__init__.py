"""RIV-TA services: one spyne application per contract, composed into one WSGI app.

Modules:

- :mod:`services.soap` — :class:`~services.soap.Endpoint`, the WSGI app of one
  contract (transport checks, hardened parse, spyne dispatch, envelope, ``?wsdl``);
- :mod:`services.faults` — the one place errors become SOAP 1.1 faults;
- :mod:`services.pipeline` — :class:`~services.pipeline.Call` (one request),
  :class:`~services.pipeline.Runtime` (shared: config, records, policy, audit)
  and :func:`~services.pipeline.look_up` (store, scope, disclosure, audit);
- :mod:`services.contractfiles` — the files under ``wsdl/`` and ``xsd/`` served
  at ``?wsdl`` and ``?xsd=<file>``;
- :mod:`services.app` — :func:`~services.app.build_app` and the list of contracts;
- one module or package per contract: :mod:`services.residentmaster`,
  :mod:`services.ping`, :mod:`services.persons`.

Adding a contract
-----------------

::

    from typing import Any
    from lxml import etree
    from spyne import ComplexModel, Unicode
    from services.pipeline import Call, look_up
    from services.soap import Contract, ContractService, operation

    NS = "urn:riv:...:GetPersonsForProfileResponder:5"

    class GetPersonsForProfileType(ComplexModel):      # the request element's type
        __namespace__ = NS
        __type_name__ = "GetPersonsForProfileType"
        _type_info = [("personId", IIType.customize(max_occurs="unbounded")), ...]

    class GetPersonsForProfile5(ContractService):      # LogicalAddress header built in
        @operation("GetPersonsForProfile", GetPersonsForProfileType)
        def GetPersonsForProfile(ctx: Any, request: Any) -> Any:  # noqa: N802, N805
            return answer(ctx.udc, request)            # ctx.udc is the Call

    def answer(call: Call, request: Any) -> etree._Element:
        grant = call.authorise(profile=2)    # LogicalAddress required; policy check
                                             # (profile only where the contract has one)
        if too_many(request):
            raise RequestError("...")        # -> soap:Client fault, HTTP 500
        seen = look_up(call, ids)            # one Seen per distinct id, request order;
        for item in seen:                    # audit entries are queued here and
            ...                              # written before the answer is sent
        return response_element              # lxml element, exact namespaces

    CONTRACT = Contract(
        name="persons",                      # as policy and audit know it
        path="/strategicresourcemanagement/persons/person/GetPersonsForProfile/5/rivtabp21",
        namespace=NS,
        element="GetPersonsForProfile",
        soap_action=f"{NS}:GetPersonsForProfile",
        service=GetPersonsForProfile5,
        wsdl="GetPersonsForProfileInteraction_5.0_RIVTABP21.wsdl",   # in wsdl/
    )

then one line in :func:`services.app.contracts`. ``look_up(call, ids, moment)``
reads the records as they were at ``moment`` (YYYYMMDDhhmmss) instead; a person
protected now stays protected in such an answer. ``Seen`` carries ``person_id``,
``person`` (a :class:`~regionnav.records.StoredPerson`, or ``None`` when not
found or out of the grant's scope), ``disclosure`` (``Disclosure.FULL``,
``MASKED`` or ``UNMASKED``) and ``result`` (the audit result). Raise
:class:`~regionnav.errors.RequestError` for the caller's mistakes; anything
else becomes a ``soap:Server`` fault. ``call.results`` counts what the request
answered for its log line (``look_up`` fills it).

The WSDL under ``wsdl/`` imports its schemas as ``../xsd/<file>``; the schemas
import each other by bare file name (all of them flat in ``xsd/``).
"""
