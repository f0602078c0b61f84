"""Revoking certificates and publishing the CA's certificate revocation list.

The CRL is written to ``crl.pem`` in the CA directory after every revocation,
so a server whose ``server.crl`` points there refuses a revoked client as soon
as it reloads its TLS context. A CRL has a ``nextUpdate``: once that passes,
OpenSSL refuses *every* client ("CRL has expired"), so ``regionnav certs crl``
must be run again before then (``CRL_DAYS`` ahead; schedule it).

Known gap: certificates carry no CRL distribution point and there is no OCSP
responder, so a party other than this hub's own server learns of a revocation
only if it is handed ``crl.pem``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from certs import keys
from certs.ca import CLOCK_SKEW, CertificateAuthority
from certs.files import read_bytes, write_public
from certs.index import Index, IndexEntry, format_serial, updating
from certs.inspect import load_certificate
from regionnav.errors import CertificateError

logger = logging.getLogger(__name__)

CRL_DAYS = 30

# removeFromCRL belongs to delta CRLs, which this CA does not make.
REASONS: dict[str, x509.ReasonFlags] = {
    flag.value: flag
    for flag in x509.ReasonFlags
    if flag is not x509.ReasonFlags.remove_from_crl
}
_SERIAL = re.compile(r"(0x)?[0-9A-Fa-f:]+")


def reason_of(text: str) -> x509.ReasonFlags:
    """The revocation reason named ``text`` (``keyCompromise``, ``superseded``…).

    Raises CertificateError listing the known reasons.
    """
    for name, flag in REASONS.items():
        if text.replace("_", "").lower() == name.lower():
            return flag
    raise CertificateError(f"unknown reason {text!r}; one of {', '.join(REASONS)}")


def serial_of(ca: CertificateAuthority, target: str) -> int:
    """The serial meant by ``target``: a certificate file, or a hexadecimal serial.

    A file must hold a certificate issued by ``ca``. Raises CertificateError.
    """
    path = Path(target)
    if path.is_file():
        certificate = load_certificate(read_bytes(path))
        if certificate.issuer != ca.certificate.subject:
            raise CertificateError(f"{path} was not issued by this CA")
        return certificate.serial_number
    if not _SERIAL.fullmatch(target):
        raise CertificateError(f"{target!r} is neither a file nor a hexadecimal serial")
    digits = target.lower().removeprefix("0x").replace(":", "")
    return int(digits, 16)


def revoke(
    ca: CertificateAuthority,
    serial: int,
    reason: x509.ReasonFlags = x509.ReasonFlags.unspecified,
) -> IndexEntry:
    """Mark certificate ``serial`` revoked and rewrite the CA's CRL.

    Raises CertificateError when the CA never issued ``serial`` or it is
    already revoked.
    """
    with updating(ca.directory) as index:
        entry = index.find(serial)
        if entry is None:
            raise CertificateError(
                f"serial {format_serial(serial)} was not issued here"
            )
        if entry.revoked:
            raise CertificateError(f"serial {format_serial(serial)} is already revoked")
        entry = dataclasses.replace(
            entry, revoked_at=datetime.now(UTC), reason=reason.value
        )
        index.replace(entry)
    write_crl(ca)
    logger.info("revoked serial %s (%s)", entry.serial_hex, reason.value)
    return entry


def build_crl(
    ca: CertificateAuthority, index: Index, days: int = CRL_DAYS
) -> x509.CertificateRevocationList:
    """A CRL listing every revoked entry of ``index``, numbered ``index.crl_number``."""
    now = datetime.now(UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - CLOCK_SKEW)
        .next_update(now + timedelta(days=days))
        .add_extension(x509.CRLNumber(index.crl_number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    for entry in index.entries:
        if entry.revoked_at is None:
            continue
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
        )
        if entry.reason and entry.reason != x509.ReasonFlags.unspecified.value:
            # RFC 5280 5.3.1: "unspecified" should be expressed by omission.
            revoked = revoked.add_extension(
                x509.CRLReason(REASONS[entry.reason]), critical=False
            )
        builder = builder.add_revoked_certificate(revoked.build())
    return builder.sign(ca.key, keys.SIGNATURE_HASH)


def write_crl(
    ca: CertificateAuthority, out: Path | None = None, days: int = CRL_DAYS
) -> Path:
    """Make a fresh CRL and write it (PEM) to ``crl.pem``, and to ``out`` if given.

    Each call takes the next CRL number. Returns the path written last.
    """
    if days < 1:
        raise CertificateError("a CRL must be valid for at least one day")
    with updating(ca.directory) as index:
        index.crl_number += 1
        crl = build_crl(ca, index, days)
    pem = crl.public_bytes(serialization.Encoding.PEM)
    path = write_public(ca.crl_path, pem)
    if out is not None and out.resolve() != path.resolve():
        path = write_public(out, pem)
    logger.info("wrote CRL number %s", index.crl_number)
    return path
