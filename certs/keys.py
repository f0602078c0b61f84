"""Key pairs: which kinds Regionnav makes, and how they are stored.

The default is EC P-256: fast to generate, small, and accepted by every TLS
stack the national platform uses (TLS 1.2 and 1.3). RSA 3072 is offered for
peers whose stacks or HSMs still expect RSA. Every signature is SHA-256.
Private keys are serialised as PKCS#8 PEM, encrypted when a password is given.
"""

from __future__ import annotations

import enum

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from regionnav.errors import CertificateError

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

SIGNATURE_HASH = hashes.SHA256()


class KeyType(enum.Enum):
    """The key pairs Regionnav generates."""

    EC = "ec"  # NIST P-256
    RSA = "rsa"  # 3072 bits


def generate(key_type: KeyType = KeyType.EC) -> PrivateKey:
    """A new private key of ``key_type``."""
    if key_type is KeyType.RSA:
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    return ec.generate_private_key(ec.SECP256R1())


def describe(key: object) -> str:
    """A short description such as ``EC P-256`` or ``RSA 3072`` (public or private)."""
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        names = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
        return f"EC {names.get(key.curve.name, key.curve.name)}"
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    return type(key).__name__


def to_pem(key: PrivateKey, password: bytes | None = None) -> bytes:
    """PKCS#8 PEM of ``key``, encrypted with ``password`` if one is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def from_pem(data: bytes, password: bytes | None, source: str) -> PrivateKey:
    """Load a PEM private key that Regionnav can sign with.

    Raises CertificateError when the key is encrypted and no (or the wrong)
    password is given, or when it is of a kind Regionnav does not use.
    ``source`` names the file in the message; the key itself never appears.
    """
    try:
        key = serialization.load_pem_private_key(data, password)
    except TypeError as exc:
        # cryptography says TypeError for "encrypted but no password" and the reverse.
        if password is None:
            message = f"{source}: key is encrypted, a password is needed"
        else:
            message = f"{source}: key is not encrypted, but a password was given"
        raise CertificateError(message) from exc
    except ValueError as exc:
        raise CertificateError(
            f"{source}: wrong password or not a private key"
        ) from exc
    if not isinstance(key, PrivateKey):
        raise CertificateError(f"{source}: unsupported key type {describe(key)}")
    return key


def matches(key: PrivateKey, certificate: x509.Certificate) -> bool:
    """Whether ``key`` is the private half of ``certificate``'s public key."""
    return _spki(key.public_key()) == _spki(certificate.public_key())


def _spki(key: object) -> bytes:
    if not isinstance(key, PublicKey):
        return b""
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
