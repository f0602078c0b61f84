"""Client certificates that arrive in an HTTP header from a TLS-terminating proxy.

Proxies send the certificate in one of three forms, all accepted here:

- a PEM block, possibly with its line breaks turned into spaces (Apache);
- URL-escaped PEM (nginx ``$ssl_client_escaped_cert``);
- bare base64 DER, the chain comma-separated, leaf first (Traefik
  ``passTLSClientCert``, the national platform's ingress).

Whether the header may be believed at all is decided by the middleware (only
from a configured proxy address). What is decided here is whether the
certificate itself is one this hub would have accepted over TLS: issued by a CA
in ``server.client_ca``, valid now, allowed for client authentication, and not
on the CRL of ``server.crl``. A proxy that was told to verify clients does that
already; checking again means a misconfigured proxy cannot let a stranger in.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID

from regionnav.errors import CertificateError
from regionnav.transport.tls import file_stamps

logger = logging.getLogger(__name__)

MAX_HEADER_CHARS = 16_384
_BEGIN = "-----BEGIN CERTIFICATE-----"
_END = "-----END CERTIFICATE-----"


def parse_header(value: str) -> x509.Certificate:
    """The leaf certificate in a header value, in any of the accepted forms.

    Raises :class:`CertificateError` when it holds no certificate.
    """
    if len(value) > MAX_HEADER_CHARS:
        raise CertificateError("certificate header too long")
    text = unquote(value.strip()) if "%" in value else value.strip()
    if _BEGIN in text:
        body = text.split(_BEGIN, 1)[1].split(_END, 1)[0]
    else:
        body = text.split(",", 1)[0]
    try:
        der = base64.b64decode("".join(body.split()), validate=True)
        return x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError) as exc:
        raise CertificateError("certificate header holds no certificate") from exc


class Verifier:
    """Checks a header certificate against the server's CA bundle and CRL.

    The files are read again when they change, like the TLS context does.
    """

    def __init__(self, client_ca: Path, crl: Path | None) -> None:
        self._client_ca = client_ca
        self._crl = crl
        self._lock = threading.Lock()
        self._stamp: tuple[tuple[int, int], ...] = ()
        self._cas: list[x509.Certificate] = []
        self._crls: list[x509.CertificateRevocationList] = []
        self._refresh()

    def check(self, certificate: x509.Certificate, now: datetime | None = None) -> None:
        """Raise :class:`CertificateError` unless TLS would have accepted it."""
        self._refresh()
        moment = now or datetime.now(UTC)
        issuer = self._issuer_of(certificate)
        if (
            not certificate.not_valid_before_utc
            <= moment
            <= certificate.not_valid_after_utc
        ):
            raise CertificateError("certificate is not valid now")
        if not _for_clients(certificate):
            raise CertificateError("certificate is not for client authentication")
        crls = [c for c in self._crls if c.issuer == certificate.issuer]
        if self._crl is not None and not crls:
            raise CertificateError("no CRL for the certificate's issuer")
        for crl in crls:
            if not crl.is_signature_valid(issuer.public_key()):  # type: ignore[arg-type]
                raise CertificateError("the issuer's CRL has a bad signature")
            if crl.get_revoked_certificate_by_serial_number(certificate.serial_number):
                raise CertificateError("certificate revoked")

    def _issuer_of(self, certificate: x509.Certificate) -> x509.Certificate:
        for ca in self._cas:
            if ca.subject != certificate.issuer:
                continue
            try:
                certificate.verify_directly_issued_by(ca)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return ca
        raise CertificateError("certificate not issued by a trusted CA")

    def _refresh(self) -> None:
        stamp = file_stamps(self._client_ca, self._crl)
        if stamp == self._stamp:
            return
        with self._lock:
            if stamp == self._stamp:
                return
            try:
                cas = x509.load_pem_x509_certificates(self._client_ca.read_bytes())
                crls = _load_crls(self._crl) if self._crl is not None else []
            except (OSError, ValueError) as exc:
                if not self._stamp:
                    raise CertificateError(f"trust files unreadable: {exc}") from exc
                logger.error("trust files changed but are unusable, kept the old")
                return
            self._cas, self._crls, self._stamp = cas, crls, stamp


def _for_clients(certificate: x509.Certificate) -> bool:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return True
    return ExtendedKeyUsageOID.CLIENT_AUTH in usage.value


def _load_crls(path: Path) -> list[x509.CertificateRevocationList]:
    data = path.read_bytes()
    marker = b"-----BEGIN X509 CRL-----"
    if marker not in data:
        return [x509.load_der_x509_crl(data)]
    return [x509.load_pem_x509_crl(marker + block) for block in data.split(marker)[1:]]
