"""Who is calling: the consumer id, from a certificate this hub has verified.

The middleware sets ``environ["regionnav.consumer_id"]`` for the application:
the id the consumer-id rule (``certs.identity``: HSA-id in the subject
``serialNumber``, else ``organizationIdentifier``, else CN) reads from

1. the TLS client certificate, which the server has verified
   (``SSL_CLIENT_CERT``, as cheroot's builtin adapter provides it); or
2. behind a TLS-terminating proxy: the certificate the proxy passes in
   ``X-Forwarded-Tls-Client-Cert`` or ``x-vp-auth-cert``, believed ONLY when
   the TCP peer (``REMOTE_ADDR``) is listed in ``server.trusted_proxies``
   (addresses or networks), and checked once more against the CA bundle and
   CRL. From any other address the header is ignored and the attempt logged.
   A proxy request without the header is named by the connection's own
   certificate, if it has one. Two headers that disagree are refused.

Behind the national platform the caller is the platform itself; the consumer it
acts for arrives in ``x-rivta-original-serviceconsumer-hsaid``. That header is
honoured only when the caller's own certificate names one of
``server.platform_certificates``; the platform's id is then kept in
``environ["regionnav.platform_id"]``. A malformed value from a platform leaves
the caller unknown, and so does a certificate whose id holds control
characters or is longer than the registry's 64 characters. From anyone else
the header is ignored.

After the middleware, the certificate headers are gone from ``environ``, the
original-consumer header holds the id settled on here (what an onward call
must forward), and ``environ["regionnav.client_certificate"]`` holds the
certificate the id came from. ``None`` means an unknown caller, which the
policy refuses. Nothing logged here is personal data: consumer ids name
systems, and addresses are those of the calling machines.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from cryptography import x509

from certs.identity import consumer_id
from regionnav.config import ServerConfig
from regionnav.errors import CertificateError, ConfigError
from regionnav.transport.headers import Verifier, parse_header

logger = logging.getLogger(__name__)

CONSUMER_ID = "regionnav.consumer_id"
CERTIFICATE = "regionnav.client_certificate"
PLATFORM_ID = "regionnav.platform_id"
CERT_HEADERS = ("HTTP_X_FORWARDED_TLS_CLIENT_CERT", "HTTP_X_VP_AUTH_CERT")
ORIGINAL_CONSUMER = "HTTP_X_RIVTA_ORIGINAL_SERVICECONSUMER_HSAID"
_CONSUMER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_CONSUMER_ID = 64  # the registry's column

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConsumerIdentity:
    """WSGI middleware that names the caller; see the module text for the rules.

    Raises :class:`ConfigError` at construction for a malformed
    ``server.trusted_proxies`` entry or unreadable trust files.
    """

    def __init__(self, app: WsgiApp, server: ServerConfig) -> None:
        self._app = app
        self._proxies = _networks(server.trusted_proxies)
        self._platforms = frozenset(p.lower() for p in server.platform_certificates)
        self._verifier: Verifier | None = None
        if server.client_ca is not None:
            try:
                self._verifier = Verifier(
                    Path(str(server.client_ca)), _path(server.crl)
                )
            except CertificateError as exc:
                raise ConfigError("server.client_ca", str(exc)) from exc
        elif self._proxies:
            logger.warning(
                "server.client_ca is not set: certificates from the trusted proxies "
                "are believed without a second check"
            )

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Any:
        certificate = self._certificate(environ)
        caller = consumer_id(certificate) if certificate is not None else None
        if caller is not None and not _is_plain(caller):
            # It would be logged and audited: a newline could forge log lines.
            logger.warning("client certificate names a malformed consumer id")
            caller = None
        environ[CERTIFICATE] = certificate
        environ[CONSUMER_ID] = self._on_behalf_of(environ, caller)
        return self._app(environ, start_response)

    def _certificate(self, environ: dict[str, Any]) -> x509.Certificate | None:
        headers = {name: environ.pop(name) for name in CERT_HEADERS if name in environ}
        remote = str(environ.get("REMOTE_ADDR", ""))
        if headers and not self._is_proxy(remote):
            names = ", ".join(_header_name(name) for name in headers)
            logger.warning("ignored %s from %s: not a trusted proxy", names, remote)
            headers = {}
        if headers:
            return self._from_header(headers.values(), remote)
        return _from_tls(environ)

    def _from_header(
        self, values: Iterable[str], remote: str
    ) -> x509.Certificate | None:
        distinct = {value.strip() for value in values}
        if len(distinct) > 1:
            logger.warning("proxy %s sent two different client certificates", remote)
            return None
        try:
            certificate = parse_header(distinct.pop())
            if self._verifier is not None:
                self._verifier.check(certificate)
        except CertificateError as exc:
            logger.warning("client certificate from proxy %s refused: %s", remote, exc)
            return None
        return certificate

    def _on_behalf_of(self, environ: dict[str, Any], caller: str | None) -> str | None:
        claimed = str(environ.pop(ORIGINAL_CONSUMER, "")).strip()
        consumer = caller
        if claimed and caller is not None and caller.lower() in self._platforms:
            environ[PLATFORM_ID] = caller
            consumer = claimed if _CONSUMER_ID.fullmatch(claimed) else None
            if consumer is None:
                logger.warning("platform %s sent a malformed original consumer", caller)
        elif claimed:
            logger.info(
                "ignored original consumer header from %s: not a platform",
                caller or "-",
            )
        if consumer is not None:
            environ[ORIGINAL_CONSUMER] = consumer
        return consumer

    def _is_proxy(self, remote: str) -> bool:
        try:
            address = ipaddress.ip_address(remote)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address in network for network in self._proxies)


def _from_tls(environ: dict[str, Any]) -> x509.Certificate | None:
    pem = environ.get("SSL_CLIENT_CERT")
    if not pem or environ.get("SSL_CLIENT_VERIFY") != "SUCCESS":
        return None
    return _certificate(str(pem))


# A consumer sends the same certificate with every request: read it once.
@functools.lru_cache(maxsize=256)
def _certificate(pem: str) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(pem.encode("ascii"))
    except ValueError:
        logger.error("the TLS layer handed over an unreadable client certificate")
        return None


def _is_plain(consumer: str) -> bool:
    return consumer.isprintable() and len(consumer) <= MAX_CONSUMER_ID


def _networks(entries: Iterable[str]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ConfigError(
                "server.trusted_proxies", f"not an address or network: {entry!r}"
            ) from exc
    return tuple(networks)


def _header_name(environ_key: str) -> str:
    return environ_key.removeprefix("HTTP_").replace("_", "-").lower()


def _path(value: Path | None) -> Path | None:
    return None if value is None else Path(str(value))
