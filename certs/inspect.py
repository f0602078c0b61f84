"""Reading certificates from PEM, DER and PKCS#12 files, and describing them.

The description is what an administrator needs to register a consumer or
chase an expiry: subject, HSA-id and consumer id, issuer, validity, serial and
the SHA-256 fingerprint. Private keys found in a file are noted, never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certs import identity, keys
from certs.files import read_bytes
from certs.index import format_serial
from certs.pkcs12 import open_bundle
from regionnav.errors import CertificateError

_NAMES = {
    NameOID.SERIAL_NUMBER: "serialNumber",
    NameOID.ORGANIZATION_IDENTIFIER: "organizationIdentifier",
}


@dataclass(frozen=True)
class Material:
    """What a file holds: its format, certificates (leaf first), and whether a key."""

    format: str  # "PEM" | "DER" | "PKCS#12"
    certificates: tuple[x509.Certificate, ...]
    has_private_key: bool


@dataclass(frozen=True)
class CertificateInfo:
    """The facts an administrator reads off one certificate."""

    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    fingerprint_sha256: str
    hsa_id: str | None
    consumer_id: str | None
    identity_attribute: str | None
    kind: str  # "ca" | "server" | "client" | "server+client" | "other"
    alt_names: tuple[str, ...]
    key: str
    signature_hash: str

    def days_left(self, now: datetime | None = None) -> int:
        """Whole days until expiry (negative once expired)."""
        return (self.not_after - (now or datetime.now(UTC))).days

    def lines(self) -> list[str]:
        """The description as ``label: value`` lines for the command line."""
        return [
            f"subject:      {self.subject}",
            f"HSA-id:       {self.hsa_id or '-'}",
            f"consumer id:  {self.consumer_id or '-'}"
            + (f" (from {self.identity_attribute})" if self.identity_attribute else ""),
            f"issuer:       {self.issuer}",
            f"serial:       {self.serial}",
            f"valid from:   {self.not_before.isoformat()}",
            f"valid until:  {self.not_after.isoformat()} ({self.days_left()} days)",
            f"kind:         {self.kind}",
            f"names:        {', '.join(self.alt_names) or '-'}",
            f"key:          {self.key}, signed with {self.signature_hash}",
            f"SHA-256:      {self.fingerprint_sha256}",
        ]


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 fingerprint as colon-separated upper-case hex."""
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def name_text(name: x509.Name) -> str:
    """An RFC 4514 string of ``name`` that spells out organizationIdentifier."""
    return name.rfc4514_string(_NAMES)


def load_certificate(data: bytes) -> x509.Certificate:
    """One certificate from PEM or DER bytes (the first of a PEM bundle).

    Raises CertificateError if ``data`` holds no certificate.
    """
    if b"-----BEGIN" in data:
        certificates = _pem_certificates(data, "certificate")
        return certificates[0]
    try:
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise CertificateError("not a PEM or DER certificate") from exc


def needs_password(path: Path) -> bool:
    """Whether ``path`` is a PKCS#12 file that cannot be opened without a password."""
    data = read_bytes(path)
    if b"-----BEGIN" in data or _der_certificate(data) is not None:
        return False
    try:
        open_bundle(data, None, str(path))
    except CertificateError:
        return True
    return False


def read_material(path: Path, password: bytes | None = None) -> Material:
    """The certificates in a PEM, DER or PKCS#12 file.

    Raises CertificateError when the file holds no certificate, or is a
    PKCS#12 file and the password is missing or wrong.
    """
    data = read_bytes(path)
    if b"-----BEGIN" in data:
        has_key = b"PRIVATE KEY-----" in data
        return Material("PEM", tuple(_pem_certificates(data, str(path))), has_key)
    der = _der_certificate(data)
    if der is not None:
        return Material("DER", (der,), False)

    bundle = open_bundle(data, password, str(path))
    if bundle.cert is None:
        raise CertificateError(f"{path}: PKCS#12 file holds no certificate")
    chain = tuple(c.certificate for c in bundle.additional_certs)
    has_key = bundle.key is not None
    return Material("PKCS#12", (bundle.cert.certificate, *chain), has_key)


def describe(certificate: x509.Certificate) -> CertificateInfo:
    """The administrator's view of ``certificate``."""
    try:
        who: identity.Identity | None = identity.identity_of(certificate)
    except CertificateError:
        who = None
    algorithm = certificate.signature_hash_algorithm
    return CertificateInfo(
        subject=name_text(certificate.subject),
        issuer=name_text(certificate.issuer),
        serial=format_serial(certificate.serial_number),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint_sha256=fingerprint(certificate),
        hsa_id=identity.hsa_id(certificate),
        consumer_id=who.consumer_id if who else None,
        identity_attribute=who.attribute if who else None,
        kind=kind_of(certificate),
        alt_names=_alt_names(certificate),
        key=keys.describe(certificate.public_key()),
        signature_hash=algorithm.name.upper() if algorithm else "none",
    )


def kind_of(certificate: x509.Certificate) -> str:
    """``ca``, ``server``, ``client``, ``server+client`` or ``other``."""
    extensions = certificate.extensions
    try:
        if extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return "ca"
    except x509.ExtensionNotFound:
        pass
    try:
        usages = set(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return "other"
    kinds = [
        label
        for label, oid in (
            ("server", ExtendedKeyUsageOID.SERVER_AUTH),
            ("client", ExtendedKeyUsageOID.CLIENT_AUTH),
        )
        if oid in usages
    ]
    return "+".join(kinds) or "other"


def _alt_names(certificate: x509.Certificate) -> tuple[str, ...]:
    try:
        names = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except x509.ExtensionNotFound:
        return ()
    dns = [f"DNS:{n}" for n in names.get_values_for_type(x509.DNSName)]
    ips = [f"IP:{n}" for n in names.get_values_for_type(x509.IPAddress)]
    return (*dns, *ips)


def _pem_certificates(data: bytes, source: str) -> list[x509.Certificate]:
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise CertificateError(f"{source}: holds no readable PEM certificate") from exc
    return certificates


def _der_certificate(data: bytes) -> x509.Certificate | None:
    # A probe, not error handling: DER certificates and PKCS#12 are both DER,
    # and only trying tells them apart.
    try:
        return x509.load_der_x509_certificate(data)
    except ValueError:
        return None
