"""Who a certificate belongs to, as Regionnav names its consumers.

The rule, the same the national platform (SKLTP VP) applies to SITHS function
certificates, with two fall-backs for certificates from other issuers:

1. the subject ``serialNumber`` (OID 2.5.4.5): the HSA-id;
2. else the subject ``organizationIdentifier`` (OID 2.5.4.97): the organisation
   number, e.g. ``NTRSE-2321000230`` in the eIDAS form, taken as written;
3. else the subject ``commonName``.

Values are taken as written (surrounding blanks stripped). An attribute that
occurs more than once with different values is ambiguous and refused rather
than guessed: a certificate must name exactly one consumer. The transport
calls :func:`consumer_id` on a certificate that TLS has already verified;
nothing here checks signatures or validity.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

from regionnav.errors import CertificateError

RULES: tuple[tuple[str, ObjectIdentifier], ...] = (
    ("serialNumber", NameOID.SERIAL_NUMBER),
    ("organizationIdentifier", NameOID.ORGANIZATION_IDENTIFIER),
    ("commonName", NameOID.COMMON_NAME),
)


@dataclass(frozen=True)
class Identity:
    """A consumer id and the subject attribute it was read from."""

    consumer_id: str
    attribute: str

    @property
    def is_hsa_id(self) -> bool:
        return self.attribute == "serialNumber"


def identity_of(certificate: x509.Certificate) -> Identity:
    """The consumer identity named by ``certificate``'s subject.

    Raises CertificateError when the subject names nobody by the rule above,
    or names more than one value in the attribute that decides.
    """
    return identity_of_name(certificate.subject)


def identity_of_name(subject: x509.Name) -> Identity:
    """Like :func:`identity_of`, for a subject name alone."""
    for attribute, oid in RULES:
        values = {_text(a.value) for a in subject.get_attributes_for_oid(oid)}
        values.discard("")
        if len(values) > 1:
            raise CertificateError(
                f"certificate subject has {len(values)} different {attribute} values"
            )
        if values:
            return Identity(values.pop(), attribute)
    raise CertificateError(
        "certificate subject has no serialNumber, organizationIdentifier or CN"
    )


def consumer_id(certificate: x509.Certificate) -> str | None:
    """The consumer id of ``certificate``, or ``None`` if it names nobody.

    ``None`` means "unknown caller", which the policy refuses; use
    :func:`identity_of` to learn why.
    """
    try:
        return identity_of(certificate).consumer_id
    except CertificateError:
        return None


def hsa_id(certificate: x509.Certificate) -> str | None:
    """The HSA-id (subject serialNumber), if the certificate has exactly one."""
    values = {
        _text(a.value)
        for a in certificate.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    }
    values.discard("")
    return values.pop() if len(values) == 1 else None


def _text(value: str | bytes) -> str:
    # Only X500UniqueIdentifier values are bytes; none of the rules reads one.
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    return value.strip()
