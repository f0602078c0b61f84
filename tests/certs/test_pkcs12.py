"""PKCS#12: bundles Regionnav writes, and received bundles split into PEM."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

from certs import keys
from certs.ca import CertificateAuthority
from certs.issue import build
from certs.pkcs12 import import_p12, to_pkcs12
from regionnav.errors import CertificateError
from tests.certs.conftest import client_request

PASSWORD = b"bundle password"


@pytest.fixture
def bundle(ca: CertificateAuthority, tmp_path: Path) -> Path:
    key, certificate = build(ca, client_request("Journal"))
    path = tmp_path / "journal.p12"
    path.write_bytes(to_pkcs12("journal", key, certificate, [ca.certificate], PASSWORD))
    return path


def test_import_writes_certificate_key_and_chain(
    bundle: Path, ca: CertificateAuthority, tmp_path: Path
) -> None:
    files = import_p12(bundle, tmp_path / "out", PASSWORD)
    certificate = x509.load_pem_x509_certificate(files.certificate.read_bytes())
    key = keys.from_pem(files.key.read_bytes(), None, "key")
    assert keys.matches(key, certificate)
    assert files.chain is not None
    assert x509.load_pem_x509_certificates(files.chain.read_bytes()) == [ca.certificate]


def test_imported_key_has_mode_0600(bundle: Path, tmp_path: Path) -> None:
    files = import_p12(bundle, tmp_path / "out", PASSWORD)
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("password", "message"), [(b"nope", "wrong password"), (None, "needs a password")]
)
def test_import_needs_the_right_password(
    bundle: Path, tmp_path: Path, password: bytes | None, message: str
) -> None:
    with pytest.raises(CertificateError, match=message):
        import_p12(bundle, tmp_path / "out", password)
    assert not (tmp_path / "out").exists()


def test_import_refuses_to_overwrite_a_key(bundle: Path, tmp_path: Path) -> None:
    import_p12(bundle, tmp_path / "out", PASSWORD)
    with pytest.raises(CertificateError, match="already exists"):
        import_p12(bundle, tmp_path / "out", PASSWORD)


def test_bundle_without_key_is_refused(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    path = tmp_path / "only-cert.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", None, ca.certificate, None, BestAvailableEncryption(PASSWORD)
        )
    )
    with pytest.raises(CertificateError, match="both a key and a certificate"):
        import_p12(path, tmp_path / "out", PASSWORD)


def test_bundle_opens_only_with_its_password(bundle: Path) -> None:
    data = bundle.read_bytes()
    opened = pkcs12.load_pkcs12(data, PASSWORD)
    assert opened.key is not None
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(data, b"other")


def test_empty_bundle_password_is_refused(ca: CertificateAuthority) -> None:
    key, certificate = build(ca, client_request("Journal"))
    with pytest.raises(CertificateError, match="non-empty password"):
        to_pkcs12("journal", key, certificate, [], b"")
