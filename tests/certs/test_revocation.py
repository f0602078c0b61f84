"""Revocation and the CRL the TLS server reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from certs.ca import CertificateAuthority
from certs.index import read_index
from certs.issue import issue
from certs.revocation import reason_of, revoke, serial_of, write_crl
from regionnav.errors import CertificateError
from tests.certs.conftest import Pki, client_request


def load_crl(path: Path) -> x509.CertificateRevocationList:
    return x509.load_pem_x509_crl(path.read_bytes())


def test_revoked_serial_is_in_the_crl(ca: CertificateAuthority, tmp_path: Path) -> None:
    files = issue(ca, client_request("Lost"), tmp_path)
    revoke(ca, files.serial)
    crl = load_crl(write_crl(ca, tmp_path / "out.crl"))
    assert crl.get_revoked_certificate_by_serial_number(files.serial) is not None


def test_revocation_rewrites_the_ca_crl_at_once(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    files = issue(ca, client_request("Lost"), tmp_path)
    revoke(ca, files.serial)
    crl = load_crl(ca.crl_path)
    assert crl.get_revoked_certificate_by_serial_number(files.serial) is not None


def test_crl_is_signed_by_the_ca_with_sha256(pki: Pki) -> None:
    crl = load_crl(pki.ca.crl_path)
    assert crl.is_signature_valid(pki.ca.certificate.public_key())
    assert crl.signature_hash_algorithm is not None
    assert crl.signature_hash_algorithm.name == "sha256"
    assert crl.issuer == pki.ca.certificate.subject


def test_valid_certificate_is_not_in_the_crl(pki: Pki) -> None:
    crl = load_crl(pki.ca.crl_path)
    assert crl.get_revoked_certificate_by_serial_number(pki.client.serial) is None


def test_reason_is_recorded_in_the_crl(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    files = issue(ca, client_request("Lost"), tmp_path)
    revoke(ca, files.serial, x509.ReasonFlags.key_compromise)
    entry = load_crl(ca.crl_path).get_revoked_certificate_by_serial_number(files.serial)
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value
    assert reason.reason is x509.ReasonFlags.key_compromise


def test_each_crl_has_a_higher_number(ca: CertificateAuthority) -> None:
    first = load_crl(write_crl(ca))
    second = load_crl(write_crl(ca))
    number = x509.CRLNumber
    assert (
        second.extensions.get_extension_for_class(number).value.crl_number
        == first.extensions.get_extension_for_class(number).value.crl_number + 1
    )


def test_revoke_marks_the_index(ca: CertificateAuthority, tmp_path: Path) -> None:
    files = issue(ca, client_request("Lost"), tmp_path)
    revoke(ca, files.serial, x509.ReasonFlags.superseded)
    entry = read_index(ca.directory).find(files.serial)
    assert entry is not None
    assert (entry.revoked, entry.reason) == (True, "superseded")


def test_revoking_twice_is_refused(ca: CertificateAuthority, tmp_path: Path) -> None:
    files = issue(ca, client_request("Lost"), tmp_path)
    revoke(ca, files.serial)
    with pytest.raises(CertificateError, match="already revoked"):
        revoke(ca, files.serial)


def test_revoking_an_unknown_serial_is_refused(ca: CertificateAuthority) -> None:
    with pytest.raises(CertificateError, match="not issued here"):
        revoke(ca, 0xABCDEF)


@pytest.mark.parametrize("form", ["{:X}", "{:x}", "0x{:X}", "{colons}"])
def test_serial_is_read_from_hex_forms(ca: CertificateAuthority, form: str) -> None:
    serial = 0x1A2B3C4D
    text = form.format(serial, colons="1A:2B:3C:4D")
    assert serial_of(ca, text) == serial


def test_serial_is_read_from_a_certificate_file(
    ca: CertificateAuthority, tmp_path: Path
) -> None:
    files = issue(ca, client_request("Lost"), tmp_path)
    assert serial_of(ca, str(files.certificate)) == files.serial


def test_certificate_of_another_ca_cannot_be_revoked_here(pki: Pki) -> None:
    with pytest.raises(CertificateError, match="not issued by this CA"):
        serial_of(pki.ca, str(pki.foreign_client.certificate))


def test_nonsense_target_is_refused(ca: CertificateAuthority) -> None:
    with pytest.raises(CertificateError, match="neither a file nor"):
        serial_of(ca, "no-such-file.pem")


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("keyCompromise", x509.ReasonFlags.key_compromise),
        ("key_compromise", x509.ReasonFlags.key_compromise),
        ("SUPERSEDED", x509.ReasonFlags.superseded),
        ("cessationOfOperation", x509.ReasonFlags.cessation_of_operation),
    ],
)
def test_reason_names(text: str, flag: x509.ReasonFlags) -> None:
    assert reason_of(text) is flag


@pytest.mark.parametrize("text", ["stolen", "removeFromCRL"])
def test_unknown_reason_is_refused(text: str) -> None:
    with pytest.raises(CertificateError, match="unknown reason"):
        reason_of(text)
