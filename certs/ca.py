"""The local certificate authority for pilots and tests.

Production consumers present SITHS function certificates issued by Inera's CA;
this CA stands in for it wherever no SITHS certificates are at hand. It lives
in one directory (configuration key ``certs.ca_dir``)::

    ca.pem        the CA certificate (give it to servers as ``server.client_ca``)
    ca.key        its private key, mode 0600, encrypted if ``certs.key_password``
    crl.pem       the current CRL (``server.crl``), rewritten on every revocation
    index.json    what the CA issued (see :mod:`certs.index`)
    issued/       a copy of every issued certificate, named by serial
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from certs import keys
from certs.files import ensure_directory, read_bytes, write_private, write_public
from certs.index import format_serial, updating
from regionnav.config import Secret
from regionnav.errors import CertificateError

logger = logging.getLogger(__name__)

CA_CERT = "ca.pem"
CA_KEY = "ca.key"
CRL_FILE = "crl.pem"
ISSUED_DIR = "issued"

DEFAULT_NAME = "Regionnav local CA"
DEFAULT_DAYS = 3650
# Certificates are back-dated a little so a peer whose clock is slightly behind
# does not refuse a certificate issued a moment ago.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class CertificateAuthority:
    """A loaded CA: its directory, certificate and signing key."""

    directory: Path
    certificate: x509.Certificate
    key: keys.PrivateKey

    @property
    def cert_path(self) -> Path:
        return self.directory / CA_CERT

    @property
    def key_path(self) -> Path:
        return self.directory / CA_KEY

    @property
    def crl_path(self) -> Path:
        return self.directory / CRL_FILE

    def issued_path(self, serial: int) -> Path:
        return self.directory / ISSUED_DIR / f"{format_serial(serial)}.pem"

    def __repr__(self) -> str:
        return f"CertificateAuthority({str(self.directory)!r})"


def password_bytes(secret: Secret | str | None) -> bytes | None:
    """The key password as bytes (``None`` or empty means no password)."""
    if not secret:
        return None
    text = secret.reveal() if isinstance(secret, Secret) else secret
    return text.encode("utf-8")


def exists(directory: Path) -> bool:
    """Whether ``directory`` already holds a CA."""
    return (directory / CA_CERT).exists() or (directory / CA_KEY).exists()


def key_is_encrypted(directory: Path) -> bool:
    """Whether the CA key in ``directory`` needs a password to load."""
    path = directory / CA_KEY
    if not path.exists():
        return False
    # PKCS#8 says so in its BEGIN line, traditional PEM in a Proc-Type header.
    head = read_bytes(path).splitlines()[:2]
    return any(b"ENCRYPTED" in line for line in head)


def create_ca(
    directory: Path,
    name: str = DEFAULT_NAME,
    days: int = DEFAULT_DAYS,
    password: bytes | None = None,
    key_type: keys.KeyType = keys.KeyType.EC,
) -> CertificateAuthority:
    """Create a self-signed CA in ``directory`` and return it.

    The CA may sign end-entity certificates only (path length 0). It does not
    write a CRL; call :func:`certs.revocation.write_crl` next (``init-ca`` and
    :func:`certs.bootstrap.bootstrap` do), since a TLS server that checks CRLs
    refuses every client until the CA has published one.
    Raises CertificateError if a CA already exists there or ``days`` < 1.
    """
    if exists(directory):
        raise CertificateError(f"a CA already exists in {directory}")
    if days < 1:
        raise CertificateError("a CA must be valid for at least one day")
    key = keys.generate(key_type)
    certificate = _self_signed(key, name, days)

    ensure_directory(directory)
    ensure_directory(directory / ISSUED_DIR)
    write_private(directory / CA_KEY, keys.to_pem(key, password))
    write_public(directory / CA_CERT, _pem(certificate), replace=False)
    with updating(directory):
        pass  # writes an empty index, so "list" works before the first issue
    logger.info("created CA %s (%s)", directory, keys.describe(key))
    return CertificateAuthority(directory, certificate, key)


def load_ca(directory: Path, password: bytes | None = None) -> CertificateAuthority:
    """Load the CA in ``directory``.

    Raises CertificateError when there is no CA, the key is encrypted and no
    (or the wrong) password is given, or the key does not match the certificate.
    """
    if not exists(directory):
        raise CertificateError(
            f"no CA in {directory}; run 'regionnav certs init-ca' first"
        )
    certificate = _load_certificate(directory / CA_CERT)
    key = keys.from_pem(
        read_bytes(directory / CA_KEY), password, str(directory / CA_KEY)
    )
    if not keys.matches(key, certificate):
        raise CertificateError(f"{directory}: CA key does not match {CA_CERT}")
    return CertificateAuthority(directory, certificate, key)


def load_ca_certificate(directory: Path) -> x509.Certificate:
    """The CA certificate alone (no key, no password needed)."""
    if not (directory / CA_CERT).exists():
        raise CertificateError(
            f"no CA in {directory}; run 'regionnav certs init-ca' first"
        )
    return _load_certificate(directory / CA_CERT)


def _self_signed(key: keys.PrivateKey, name: str, days: int) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = datetime.now(UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
    )
    return builder.sign(key, keys.SIGNATURE_HASH)


def _load_certificate(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(read_bytes(path))
    except ValueError as exc:
        raise CertificateError(f"{path}: not a PEM certificate") from exc


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)
