"""The local CA: created once, loaded again, its key kept private."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509

from certs.ca import CertificateAuthority, create_ca, load_ca
from certs.index import read_index
from certs.keys import KeyType, describe
from regionnav.errors import CertificateError


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_ca_loads_again(tmp_path: Path) -> None:
    created = create_ca(tmp_path / "ca", name="Pilot CA")
    loaded = load_ca(tmp_path / "ca")
    assert loaded.certificate == created.certificate
    assert loaded.certificate.subject.rfc4514_string() == "CN=Pilot CA,C=SE"


def test_ca_may_sign_end_entities_only(ca: CertificateAuthority) -> None:
    constraints = ca.certificate.extensions.get_extension_for_class(
        x509.BasicConstraints
    )
    assert constraints.critical
    assert (constraints.value.ca, constraints.value.path_length) == (True, 0)


@pytest.mark.parametrize(
    ("key_type", "expected"), [(KeyType.EC, "EC P-256"), (KeyType.RSA, "RSA 3072")]
)
def test_ca_key_type_and_sha256_signature(
    tmp_path: Path, key_type: KeyType, expected: str
) -> None:
    authority = create_ca(tmp_path / "ca", key_type=key_type)
    assert describe(authority.key) == expected
    assert authority.certificate.signature_hash_algorithm is not None
    assert authority.certificate.signature_hash_algorithm.name == "sha256"


def test_ca_key_file_has_mode_0600(ca: CertificateAuthority) -> None:
    assert mode(ca.key_path) == 0o600


def test_ca_key_is_encrypted_with_password(tmp_path: Path) -> None:
    create_ca(tmp_path / "ca", password=b"s3cret")
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "ca" / "ca.key").read_bytes()
    assert load_ca(tmp_path / "ca", b"s3cret").directory == tmp_path / "ca"


@pytest.mark.parametrize(
    ("password", "message"),
    [(None, "a password is needed"), (b"wrong", "wrong password")],
)
def test_encrypted_ca_needs_the_right_password(
    tmp_path: Path, password: bytes | None, message: str
) -> None:
    create_ca(tmp_path / "ca", password=b"s3cret")
    with pytest.raises(CertificateError, match=message):
        load_ca(tmp_path / "ca", password)


def test_creating_over_an_existing_ca_is_refused(ca: CertificateAuthority) -> None:
    with pytest.raises(CertificateError, match="already exists"):
        create_ca(ca.directory)


def test_loading_where_no_ca_is_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match="init-ca"):
        load_ca(tmp_path / "nothing")


def test_key_of_another_ca_is_refused(tmp_path: Path) -> None:
    first = create_ca(tmp_path / "a")
    create_ca(tmp_path / "b")
    (tmp_path / "b" / "ca.key").unlink()
    (tmp_path / "b" / "ca.key").write_bytes(first.key_path.read_bytes())
    with pytest.raises(CertificateError, match="does not match"):
        load_ca(tmp_path / "b")


def test_new_ca_has_an_empty_index(tmp_path: Path) -> None:
    authority = create_ca(tmp_path / "ca")
    assert read_index(authority.directory).entries == []
