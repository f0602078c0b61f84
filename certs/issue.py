"""Server and client certificates signed by the local CA.

Client subjects follow SITHS function certificates, which is what the national
platform and Regionnav's transport read a caller's identity from::

    C=SE, O=<organisation>, [organizationIdentifier=<org id>], CN=<function>,
    serialNumber=<HSA-id>

Server certificates carry their host names and addresses in subjectAltName.
Each certificate is limited to its one purpose (extended key usage serverAuth
or clientAuth), so a client certificate cannot be used to impersonate a server.
"""

from __future__ import annotations

import enum
import ipaddress
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certs import keys
from certs.ca import CLOCK_SKEW, CertificateAuthority
from certs.files import ensure_directory, write_private, write_public
from certs.index import IndexEntry, format_serial, updating
from certs.inspect import fingerprint, name_text
from certs.pkcs12 import to_pkcs12
from regionnav.errors import CertificateError

logger = logging.getLogger(__name__)

DEFAULT_DAYS = 365
# serialNumber is a PrintableString; HSA-ids use letters, digits and hyphens.
_HSA_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{1,63}")
_DNS_NAME = re.compile(
    r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
    r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


class CertificateKind(enum.Enum):
    """What a certificate is for; decides its extended key usage."""

    SERVER = "server"
    CLIENT = "client"


@dataclass(frozen=True)
class CertificateRequest:
    """What to put in a new certificate.

    Validity: ``not_before`` defaults to now (minus a little clock skew) and
    ``not_after`` to ``not_before + days``. Explicit dates may lie in the past,
    which is how tests make an expired certificate. Naive datetimes are UTC.
    """

    kind: CertificateKind
    common_name: str
    hsa_id: str | None = None
    organisation: str | None = None
    organisation_id: str | None = None
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[str, ...] = ()
    days: int = DEFAULT_DAYS
    not_before: datetime | None = None
    not_after: datetime | None = None
    key_type: keys.KeyType = keys.KeyType.EC


@dataclass(frozen=True)
class IssuedFiles:
    """Where :func:`issue` wrote the new certificate and key."""

    serial: int
    certificate: Path
    key: Path
    certificate_object: x509.Certificate = field(repr=False, compare=False)
    pkcs12: Path | None = None


def issue(
    ca: CertificateAuthority,
    request: CertificateRequest,
    out_dir: Path,
    *,
    name: str | None = None,
    p12_password: bytes | None = None,
    replace: bool = False,
) -> IssuedFiles:
    """Issue a certificate and write ``<name>.pem`` and ``<name>.key`` to ``out_dir``.

    ``name`` defaults to a file-safe form of the common name. With
    ``p12_password``, a password-protected ``<name>.p12`` (key, certificate
    and CA) is written as well. The key PEM itself is not encrypted, so that a
    server can start unattended; it is created with mode 0600. Existing files
    are refused unless ``replace``. The CA records the certificate in its index.
    Raises CertificateError for a bad request or when a file cannot be written.
    """
    key, certificate = build(ca, request)
    stem = name or file_stem(request.common_name)
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    bundle = None
    if p12_password is not None:
        bundle = to_pkcs12(stem, key, certificate, [ca.certificate], p12_password)
    targets = [out_dir / f"{stem}{suffix}" for suffix in (".key", ".pem", ".p12")]
    clash = next((path for path in targets if path.exists()), None)
    if clash is not None and not replace:
        # Checked up front so a refusal leaves no new key behind.
        raise CertificateError(f"{clash} already exists; refusing to overwrite")

    ensure_directory(out_dir)
    key_path = write_private(targets[0], keys.to_pem(key), replace=replace)
    cert_path = write_public(targets[1], pem, replace=replace)
    p12_path = None
    if bundle is not None:
        p12_path = write_private(targets[2], bundle, replace=replace)

    write_public(ca.issued_path(certificate.serial_number), pem, replace=False)
    with updating(ca.directory) as index:
        index.entries.append(_entry(certificate, request.kind))
    logger.info(
        "issued %s certificate serial %s",
        request.kind.value,
        format_serial(certificate.serial_number),
    )
    return IssuedFiles(
        serial=certificate.serial_number,
        certificate=cert_path,
        key=key_path,
        pkcs12=p12_path,
        certificate_object=certificate,
    )


def build(
    ca: CertificateAuthority, request: CertificateRequest
) -> tuple[keys.PrivateKey, x509.Certificate]:
    """A new key and the certificate the CA signs for it (nothing is written).

    Raises CertificateError when the request is incomplete or malformed.
    """
    subject = subject_of(request)
    alt_names = _alt_names(request)
    not_before, not_after = validity(request)
    key = keys.generate(request.key_type)
    usage = (
        ExtendedKeyUsageOID.SERVER_AUTH
        if request.kind is CertificateKind.SERVER
        else ExtendedKeyUsageOID.CLIENT_AUTH
    )

    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(_key_usage(key), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .add_extension(_authority_key_id(ca), critical=False)
    )
    if alt_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(alt_names), critical=False
        )
    return key, builder.sign(ca.key, keys.SIGNATURE_HASH)


def subject_of(request: CertificateRequest) -> x509.Name:
    """The SITHS-like subject for ``request``; raises CertificateError if invalid."""
    name = request.common_name.strip()
    if not name or len(name) > 64:
        raise CertificateError("the common name must be 1 to 64 characters")
    if request.hsa_id is not None and not _HSA_ID.fullmatch(request.hsa_id):
        raise CertificateError(
            "an HSA-id is 2 to 64 letters, digits and hyphens, e.g. SE2321000230-ABCD"
        )

    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "SE")]
    if request.organisation:
        attributes.append(
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, request.organisation)
        )
    if request.organisation_id:
        attributes.append(
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, request.organisation_id)
        )
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, name))
    if request.hsa_id:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, request.hsa_id))
    return x509.Name(attributes)


def validity(request: CertificateRequest) -> tuple[datetime, datetime]:
    """``(not_before, not_after)`` in UTC; raises CertificateError if empty."""
    if request.not_after is None and request.days < 1:
        raise CertificateError(
            "--days must be at least 1 (use --not-after for the past)"
        )
    not_before = _utc(request.not_before) or datetime.now(UTC) - CLOCK_SKEW
    not_after = _utc(request.not_after) or not_before + timedelta(days=request.days)
    if not_after <= not_before:
        raise CertificateError("the certificate would end before it begins")
    return not_before, not_after


def file_stem(common_name: str) -> str:
    """A file-safe name derived from a common name (``Journal A`` -> ``journal-a``)."""
    stem = re.sub(r"[^a-z0-9.]+", "-", common_name.lower()).strip("-.")
    return stem or "certificate"


def _alt_names(request: CertificateRequest) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for dns in request.dns_names:
        if not _DNS_NAME.fullmatch(dns):
            raise CertificateError(f"not a DNS name: {dns!r}")
        names.append(x509.DNSName(dns))
    for text in request.ip_addresses:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(text)))
        except ValueError as exc:
            raise CertificateError(f"not an IP address: {text!r}") from exc
    if request.kind is CertificateKind.SERVER and not names:
        raise CertificateError("a server certificate needs at least one --dns or --ip")
    return names


def _key_usage(key: keys.PrivateKey) -> x509.KeyUsage:
    # RSA key exchange (TLS 1.2 RSA suites) needs keyEncipherment; EC never does.
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=isinstance(key, rsa.RSAPrivateKey),
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _authority_key_id(ca: CertificateAuthority) -> x509.AuthorityKeyIdentifier:
    try:
        ski = ca.certificate.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier
        )
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key())
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski.value)


def _entry(certificate: x509.Certificate, kind: CertificateKind) -> IndexEntry:
    return IndexEntry(
        serial=certificate.serial_number,
        subject=name_text(certificate.subject),
        kind=kind.value,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint=fingerprint(certificate),
    )


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
