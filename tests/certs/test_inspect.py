"""Inspecting PEM, DER and PKCS#12 files: what an administrator reads off them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from certs.ca import CertificateAuthority
from certs.inspect import (
    describe,
    fingerprint,
    load_certificate,
    needs_password,
    read_material,
)
from certs.issue import build, issue
from regionnav.errors import CertificateError
from tests.certs.conftest import CLIENT_HSA_ID, client_request, server_request

PASSWORD = b"correct horse"


@pytest.fixture
def client_files(ca: CertificateAuthority, tmp_path: Path) -> dict[str, Path]:
    """The same client certificate as PEM, DER and PKCS#12."""
    files = issue(ca, client_request("Journal"), tmp_path, p12_password=PASSWORD)
    der = tmp_path / "journal.der"
    der.write_bytes(files.certificate_object.public_bytes(serialization.Encoding.DER))
    assert files.pkcs12 is not None
    return {"PEM": files.certificate, "DER": der, "PKCS#12": files.pkcs12}


@pytest.mark.parametrize("fmt", ["PEM", "DER", "PKCS#12"])
def test_inspect_shows_subject_hsa_id_issuer_validity_fingerprint(
    client_files: dict[str, Path], ca: CertificateAuthority, fmt: str
) -> None:
    material = read_material(client_files[fmt], PASSWORD if fmt == "PKCS#12" else None)
    info = describe(material.certificates[0])
    der = material.certificates[0].public_bytes(serialization.Encoding.DER)

    assert material.format == fmt
    assert info.subject == (
        f"serialNumber={CLIENT_HSA_ID},CN=Journal,O=Testregionen,C=SE"
    )
    assert info.hsa_id == CLIENT_HSA_ID
    assert info.consumer_id == CLIENT_HSA_ID
    assert info.issuer == "CN=Test CA,C=SE"
    assert info.not_before < datetime.now(UTC) < info.not_after
    assert (
        info.fingerprint_sha256.replace(":", "")
        == hashlib.sha256(der).hexdigest().upper()
    )
    assert info.kind == "client"


def test_pkcs12_carries_key_and_ca(client_files: dict[str, Path]) -> None:
    material = read_material(client_files["PKCS#12"], PASSWORD)
    assert material.has_private_key
    assert describe(material.certificates[1]).kind == "ca"


def test_pkcs12_with_wrong_password_is_refused(client_files: dict[str, Path]) -> None:
    with pytest.raises(CertificateError, match="wrong password"):
        read_material(client_files["PKCS#12"], b"guess")


@pytest.mark.parametrize(
    ("fmt", "expected"), [("PEM", False), ("DER", False), ("PKCS#12", True)]
)
def test_only_protected_pkcs12_needs_a_password(
    client_files: dict[str, Path], fmt: str, expected: bool
) -> None:
    assert needs_password(client_files[fmt]) is expected


def test_description_lines_never_show_the_key(
    client_files: dict[str, Path], tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.pem"
    key = (tmp_path / "journal.key").read_bytes()
    bundle.write_bytes(client_files["PEM"].read_bytes() + key)
    material = read_material(bundle)
    text = "\n".join(describe(material.certificates[0]).lines())
    assert material.has_private_key
    assert "PRIVATE" not in text
    assert key.decode().splitlines()[1] not in text


def test_server_description_lists_its_names(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    files = issue(ca, server_request(), tmp_path)
    info = describe(files.certificate_object)
    assert (info.kind, info.alt_names) == ("server", ("DNS:localhost", "IP:127.0.0.1"))
    assert info.hsa_id is None
    assert (info.consumer_id, info.identity_attribute) == ("localhost", "commonName")


def test_days_left_counts_down_to_expiry(ca: CertificateAuthority) -> None:
    _, certificate = build(ca, client_request("J", days=20))
    assert describe(certificate).days_left() in (19, 20)


@pytest.mark.parametrize("data", [b"", b"not a certificate", b"-----BEGIN X-----\n"])
def test_garbage_is_not_a_certificate(data: bytes) -> None:
    with pytest.raises(CertificateError):
        load_certificate(data)


def test_load_certificate_reads_pem_and_der(client_files: dict[str, Path]) -> None:
    from_pem = load_certificate(client_files["PEM"].read_bytes())
    from_der = load_certificate(client_files["DER"].read_bytes())
    assert from_pem == from_der
    assert fingerprint(from_pem) == fingerprint(from_der)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match=r"missing\.pem"):
        read_material(tmp_path / "missing.pem")


def test_fingerprint_format(client_files: dict[str, Path]) -> None:
    certificate = x509.load_pem_x509_certificate(client_files["PEM"].read_bytes())
    parts = fingerprint(certificate).split(":")
    assert len(parts) == 32
    assert all(len(p) == 2 and p == p.upper() for p in parts)
