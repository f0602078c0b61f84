"""PKCS#12 bundles: making them for consumers, and splitting received ones.

Bundles are protected with PBES2 (PBKDF2-SHA256, AES-256-CBC) and a SHA-256
MAC; the legacy SHA-1/3DES form is never written. Python's ``ssl`` module
cannot read PKCS#12, so a bundle received from a CA (a SITHS .p12, say) is
split into PEM files the TLS server and clients can load.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from certs import keys
from certs.files import ensure_directory, read_bytes, write_private, write_public
from regionnav.errors import CertificateError

logger = logging.getLogger(__name__)

KDF_ROUNDS = 200_000


@dataclass(frozen=True)
class ImportedFiles:
    """The PEM files :func:`import_p12` wrote."""

    certificate: Path
    key: Path
    chain: Path | None


def to_pkcs12(
    name: str,
    key: keys.PrivateKey,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    password: bytes,
) -> bytes:
    """A password-protected PKCS#12 bundle of key, certificate and chain."""
    if not password:
        raise CertificateError("a PKCS#12 bundle needs a non-empty password")
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password)
    )
    return pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), key, certificate, chain or None, encryption
    )


def open_bundle(
    data: bytes, password: bytes | None, source: str
) -> pkcs12.PKCS12KeyAndCertificates:
    """Open PKCS#12 ``data``; without a password, an empty one is tried too.

    Raises CertificateError when the password is missing or wrong, or the data
    is not PKCS#12 (the format cannot tell these apart).
    """
    candidates = [password] if password is not None else [None, b""]
    failure: ValueError | None = None
    for candidate in candidates:
        try:
            return pkcs12.load_pkcs12(data, candidate)
        except ValueError as exc:
            failure = exc
    if password is None:
        reason = "not a certificate, or a PKCS#12 file that needs a password"
    else:
        reason = "wrong password, or not a PKCS#12 file"
    raise CertificateError(f"{source}: {reason}") from failure


def import_p12(
    path: Path, out_dir: Path, password: bytes | None, *, replace: bool = False
) -> ImportedFiles:
    """Split the PKCS#12 file ``path`` into PEM files in ``out_dir``.

    Writes ``<stem>.pem`` (the certificate), ``<stem>.key`` (the private key,
    unencrypted, mode 0600) and, if the bundle carries more certificates,
    ``<stem>-chain.pem``. Raises CertificateError for a wrong password, a
    bundle without key or certificate, or a key type Regionnav does not use.
    """
    bundle = open_bundle(read_bytes(path), password, str(path))
    if bundle.cert is None or bundle.key is None:
        raise CertificateError(f"{path}: the bundle needs both a key and a certificate")
    if not isinstance(bundle.key, keys.PrivateKey):
        raise CertificateError(
            f"{path}: unsupported key type {keys.describe(bundle.key)}"
        )

    stem = path.stem
    ensure_directory(out_dir)
    key_path = write_private(
        out_dir / f"{stem}.key", keys.to_pem(bundle.key), replace=replace
    )
    cert_path = write_public(
        out_dir / f"{stem}.pem", _pem([bundle.cert.certificate]), replace=replace
    )
    chain_path = None
    if bundle.additional_certs:
        chain = [c.certificate for c in bundle.additional_certs]
        chain_path = write_public(
            out_dir / f"{stem}-chain.pem", _pem(chain), replace=replace
        )
    logger.info("split PKCS#12 file into %s", out_dir)
    return ImportedFiles(cert_path, key_path, chain_path)


def _pem(certificates: list[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)
