"""Every way a consumer can ask about a set of persons, as SOAP requests.

An :class:`Ask` is one request: residentmaster 1.1 (now, or as of
``historiskTidpunkt``), a 1.0-shaped residentmaster request (only the 1.0
filter elements), or GetPersonsForProfile 5.0 / 3.1 with a profile and
``ignoreReferredIdentity``. :func:`asks` lists them all for a set of ids, once
with every id in one call and once per id. The envelopes are written by hand,
as the official WSDLs describe them, so that the same bytes can be posted
in-process to the WSGI application (:func:`call_in_process`) and over mutual
TLS (:func:`call_over_https`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import requests
from lxml import etree

from services.persons.contract import PERSONNUMMER_OID, V3, V5, Version
from services.residentmaster import CONTRACT as RESIDENTMASTER

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
REGISTRY = "urn:riv:itintegration:registry:1"
RM = "urn:riv:population:residentmaster:LookupResidentForFullProfileResponder:1"
HUB_ADDRESS = "SE2321000230-RNAV"
PROFILES = ("P1", "P2", "P3", "P4", "P5")
PERSONS_VERSIONS = {"persons-5.0": V5, "persons-3.1": V3}


@dataclass(frozen=True)
class Ask:
    """One request: which contract, which ids, and its options."""

    contract: str  # residentmaster-1.1 | residentmaster-1.0 | persons-5.0 | -3.1
    ids: tuple[str, ...]
    moment: int | None = None  # residentmaster 1.1: historiskTidpunkt
    secrecy: str | None = None  # residentmaster 1.0: the Sekretessmarkering filter
    profile: str = "P5"
    ignore_referred: bool = True

    @property
    def residentmaster(self) -> bool:
        return self.contract.startswith("residentmaster")

    @property
    def path(self) -> str:
        if self.residentmaster:
            return RESIDENTMASTER.path
        return PERSONS_VERSIONS[self.contract].path

    @property
    def soap_action(self) -> str:
        if self.residentmaster:
            return RESIDENTMASTER.soap_action
        return PERSONS_VERSIONS[self.contract].soap_action

    def envelope(self) -> bytes:
        """The SOAP 1.1 request, with ``LogicalAddress`` naming the test hub."""
        envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
        header = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Header")
        etree.SubElement(header, f"{{{REGISTRY}}}LogicalAddress").text = HUB_ADDRESS
        body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
        body.append(self._residentmaster() if self.residentmaster else self._persons())
        return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")

    def _residentmaster(self) -> etree._Element:
        request = etree.Element(f"{{{RM}}}LookupResidentForFullProfile")
        for person_id in self.ids:
            etree.SubElement(request, f"{{{RM}}}personId").text = person_id
        specification = etree.SubElement(request, f"{{{RM}}}lookUpSpecification")
        if self.secrecy is not None:
            etree.SubElement(
                specification, f"{{{RM}}}Sekretessmarkering"
            ).text = self.secrecy
        if self.moment is not None:
            etree.SubElement(specification, f"{{{RM}}}historiskTidpunkt").text = str(
                self.moment
            )
        return request

    def _persons(self) -> etree._Element:
        version: Version = PERSONS_VERSIONS[self.contract]
        responder, core = version.responder, version.core
        request = etree.Element(f"{{{responder}}}GetPersonsForProfile")
        for person_id in self.ids:
            identity = etree.SubElement(request, f"{{{responder}}}personId")
            etree.SubElement(identity, f"{{{core}}}root").text = PERSONNUMMER_OID
            etree.SubElement(identity, f"{{{core}}}extension").text = person_id
        etree.SubElement(request, f"{{{responder}}}profile").text = self.profile
        etree.SubElement(request, f"{{{responder}}}ignoreReferredIdentity").text = (
            "true" if self.ignore_referred else "false"
        )
        return request


def asks(ids: Iterable[str], moment: int) -> Iterator[Ask]:
    """Every request variant for ``ids``: all in one call, then one call per id."""
    every = tuple(ids)
    for group in (every, *((one,) for one in every)):
        yield Ask("residentmaster-1.1", group)
        yield Ask("residentmaster-1.1", group, moment=moment)
        for contract in PERSONS_VERSIONS:
            for profile in PROFILES:
                for ignore in (True, False):
                    yield Ask(contract, group, profile=profile, ignore_referred=ignore)
    yield Ask("residentmaster-1.0", every)
    yield Ask("residentmaster-1.0", every, secrecy="J")


def everything(ids: Iterable[str]) -> list[Ask]:
    """The fullest answer of each contract: for the privileged counter-check."""
    every = tuple(ids)
    return [
        Ask("residentmaster-1.1", every),
        Ask("persons-5.0", every, profile="P5"),
        Ask("persons-3.1", every, profile="P5"),
    ]


Poster = Callable[[Ask, str], etree._Element]


def call_in_process(app: Callable[..., Any]) -> Poster:
    """A poster that hands the request to the WSGI application directly, the
    consumer id set as the mTLS transport would set it."""

    def post(ask: Ask, consumer: str) -> etree._Element:
        body = ask.envelope()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": ask.path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "443",
            "CONTENT_TYPE": "text/xml; charset=utf-8",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_SOAPACTION": f'"{ask.soap_action}"',
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "https",
            "regionnav.consumer_id": consumer,
        }
        statuses: list[str] = []
        answer = b"".join(app(environ, lambda status, _h: statuses.append(status)))
        return _payload(ask, statuses[0], answer)

    return post


def call_over_https(base_url: str, sessions: dict[str, requests.Session]) -> Poster:
    """A poster over HTTPS; ``sessions`` hold each consumer's client certificate."""

    def post(ask: Ask, consumer: str) -> etree._Element:
        response = sessions[consumer].post(
            base_url + ask.path,
            data=ask.envelope(),
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{ask.soap_action}"',
            },
            timeout=30,
        )
        return _payload(ask, f"{response.status_code} ", response.content)

    return post


def _payload(ask: Ask, status: str, answer: bytes) -> etree._Element:
    assert status.startswith("200 "), f"{ask.contract} answered {status}: {answer!r}"
    body = etree.fromstring(answer).find(f"{{{SOAP_ENV}}}Body")
    assert body is not None
    return body[0]
