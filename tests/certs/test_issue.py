"""Issuing: SITHS-like subjects, one purpose per certificate, private keys."""

from __future__ import annotations

import ipaddress
import stat
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certs import keys
from certs.ca import CertificateAuthority
from certs.index import read_index
from certs.issue import CertificateRequest, build, issue
from regionnav.errors import CertificateError
from tests.certs.conftest import client_request, server_request


def test_client_subject_is_siths_like(ca: CertificateAuthority) -> None:
    request = replace(client_request("Journal"), organisation_id="NTRSE-2321000230")
    _, certificate = build(ca, request)
    subject = certificate.subject
    assert [a.oid for a in subject] == [
        NameOID.COUNTRY_NAME,
        NameOID.ORGANIZATION_NAME,
        NameOID.ORGANIZATION_IDENTIFIER,
        NameOID.COMMON_NAME,
        NameOID.SERIAL_NUMBER,
    ]
    assert [a.value for a in subject] == [
        "SE",
        "Testregionen",
        "NTRSE-2321000230",
        "Journal",
        "SE2321000230-TST1",
    ]


@pytest.mark.parametrize(
    ("request_", "usage"),
    [
        (server_request(), ExtendedKeyUsageOID.SERVER_AUTH),
        (client_request("Journal"), ExtendedKeyUsageOID.CLIENT_AUTH),
    ],
)
def test_certificate_serves_exactly_its_purpose(
    ca: CertificateAuthority, request_: CertificateRequest, usage: x509.ObjectIdentifier
) -> None:
    _, certificate = build(ca, request_)
    extended = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert list(extended.value) == [usage]
    basic = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.value.ca is False


def test_server_names_are_in_subject_alt_name(ca: CertificateAuthority) -> None:
    request = replace(server_request(), dns_names=("localhost", "hub.test"))
    _, certificate = build(ca, request)
    names = certificate.extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    ).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost", "hub.test"]
    assert names.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("127.0.0.1")
    ]


@pytest.mark.parametrize("key_type", list(keys.KeyType))
def test_signature_is_sha256_for_every_key_type(
    ca: CertificateAuthority, key_type: keys.KeyType
) -> None:
    key, certificate = build(ca, replace(client_request("J"), key_type=key_type))
    assert certificate.signature_hash_algorithm is not None
    assert certificate.signature_hash_algorithm.name == "sha256"
    assert keys.matches(key, certificate)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (client_request(""), "common name"),
        (client_request("x" * 65), "common name"),
        (client_request("J", hsa_id="SE 2321"), "HSA-id"),
        (client_request("J", hsa_id="SE2321000230_X"), "HSA-id"),
        (replace(server_request(), dns_names=("bad host",)), "DNS name"),
        (replace(server_request(), ip_addresses=("300.1.1.1",)), "IP address"),
        (replace(server_request(), dns_names=(), ip_addresses=()), "--dns or --ip"),
        (client_request("J", days=0), "at least 1"),
        (
            client_request(
                "J",
                not_before=datetime(2021, 1, 1, tzinfo=UTC),
                not_after=datetime(2020, 1, 1, tzinfo=UTC),
            ),
            "end before it begins",
        ),
    ],
)
def test_bad_request_is_refused(
    ca: CertificateAuthority, request_: CertificateRequest, message: str
) -> None:
    with pytest.raises(CertificateError, match=message):
        build(ca, request_)


def test_explicit_past_validity_makes_an_expired_certificate(
    ca: CertificateAuthority,
) -> None:
    request = client_request(
        "Old",
        not_before=datetime(2020, 1, 1),  # naive means UTC
        not_after=datetime(2020, 12, 31),
    )
    _, certificate = build(ca, request)
    assert certificate.not_valid_before_utc == datetime(2020, 1, 1, tzinfo=UTC)
    assert certificate.not_valid_after_utc == datetime(2020, 12, 31, tzinfo=UTC)


def test_days_set_the_validity(ca: CertificateAuthority) -> None:
    _, certificate = build(ca, client_request("J", days=10))
    span = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert span.days == 10


@pytest.mark.parametrize("suffix", [".key", ".p12"])
def test_issued_private_files_have_mode_0600(
    ca: CertificateAuthority, tmp_path: Path, suffix: str
) -> None:
    issue(ca, client_request("Journal"), tmp_path / "out", p12_password=b"pw")
    path = tmp_path / "out" / f"journal{suffix}"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_issued_key_matches_issued_certificate(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    files = issue(ca, client_request("Journal"), tmp_path)
    key = keys.from_pem(files.key.read_bytes(), None, "key")
    certificate = x509.load_pem_x509_certificate(files.certificate.read_bytes())
    assert keys.matches(key, certificate)


def test_existing_key_is_not_overwritten(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    first = issue(ca, client_request("Journal"), tmp_path)
    before = first.key.read_bytes()
    with pytest.raises(CertificateError, match="already exists"):
        issue(ca, client_request("Journal"), tmp_path)
    assert first.key.read_bytes() == before


def test_issued_certificate_is_recorded_in_the_index(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    files = issue(ca, client_request("Journal"), tmp_path)
    entry = read_index(ca.directory).find(files.serial)
    assert entry is not None
    assert (entry.kind, entry.revoked) == ("client", False)
    assert "serialNumber=SE2321000230-TST1" in entry.subject
    assert ca.issued_path(files.serial).read_bytes() == files.certificate.read_bytes()


def test_refused_issue_leaves_no_key_behind(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    (tmp_path / "journal.pem").write_bytes(b"someone else's certificate")
    with pytest.raises(CertificateError, match="already exists"):
        issue(ca, client_request("Journal"), tmp_path)
    assert not (tmp_path / "journal.key").exists()
    assert read_index(ca.directory).entries == []
