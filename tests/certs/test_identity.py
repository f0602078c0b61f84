"""The consumer-id rule: serialNumber (HSA-id), then organizationIdentifier, then CN."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from certs.ca import CertificateAuthority
from certs.identity import Identity, consumer_id, hsa_id, identity_of, identity_of_name
from certs.issue import CertificateKind, CertificateRequest, build
from regionnav.errors import CertificateError

C = NameOID.COUNTRY_NAME
O = NameOID.ORGANIZATION_NAME  # noqa: E741
ORG_ID = NameOID.ORGANIZATION_IDENTIFIER
CN = NameOID.COMMON_NAME
SERIAL = NameOID.SERIAL_NUMBER


def name(*pairs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        pytest.param(
            name(
                (C, "SE"), (O, "Region"), (CN, "journal"), (SERIAL, "SE2321000230-J1")
            ),
            Identity("SE2321000230-J1", "serialNumber"),
            id="hsa-id-wins-over-cn",
        ),
        pytest.param(
            name(
                (ORG_ID, "NTRSE-2321000230"),
                (CN, "x"),
                (SERIAL, "TSTNMT2321000156-B02"),
            ),
            Identity("TSTNMT2321000156-B02", "serialNumber"),
            id="hsa-id-wins-over-org-id",
        ),
        pytest.param(
            name((C, "SE"), (ORG_ID, "NTRSE-2321000230"), (CN, "e-service")),
            Identity("NTRSE-2321000230", "organizationIdentifier"),
            id="org-id-without-hsa-id",
        ),
        pytest.param(
            name((C, "SE"), (O, "Kommunen"), (CN, "skolregister")),
            Identity("skolregister", "commonName"),
            id="cn-as-last-resort",
        ),
        pytest.param(
            name((CN, "x"), (SERIAL, "  SE2321000230-J2  ")),
            Identity("SE2321000230-J2", "serialNumber"),
            id="surrounding-blanks-stripped",
        ),
        pytest.param(
            name((CN, "x"), (SERIAL, "SE1-A"), (SERIAL, "SE1-A")),
            Identity("SE1-A", "serialNumber"),
            id="repeated-same-value-is-one",
        ),
    ],
)
def test_identity_rule(subject: x509.Name, expected: Identity) -> None:
    assert identity_of_name(subject) == expected


@pytest.mark.parametrize(
    ("subject", "message"),
    [
        pytest.param(
            name((CN, "x"), (SERIAL, "SE1-A"), (SERIAL, "SE1-B")),
            "2 different serialNumber",
            id="two-hsa-ids-no-fallback-to-cn",
        ),
        pytest.param(
            name((CN, "a"), (CN, "b")), "2 different commonName", id="two-cns"
        ),
        pytest.param(
            name((C, "SE"), (O, "Region")), "no serialNumber", id="nothing-usable"
        ),
    ],
)
def test_identity_refuses_ambiguous_or_missing(
    subject: x509.Name, message: str
) -> None:
    with pytest.raises(CertificateError, match=message):
        identity_of_name(subject)


def test_consumer_id_of_issued_client_is_its_hsa_id(ca: CertificateAuthority) -> None:
    request = CertificateRequest(
        CertificateKind.CLIENT, "Journal", hsa_id="SE2321000230-J9", organisation="R"
    )
    _, certificate = build(ca, request)
    assert consumer_id(certificate) == "SE2321000230-J9"
    assert hsa_id(certificate) == "SE2321000230-J9"
    assert identity_of(certificate).is_hsa_id


def test_consumer_id_is_none_when_subject_names_nobody(
    ca: CertificateAuthority,
) -> None:
    # A CA may issue a certificate with an empty subject (identity in SAN only).
    request = CertificateRequest(CertificateKind.CLIENT, "x")
    _, certificate = build(ca, request)
    nameless = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(certificate.issuer)
        .public_key(certificate.public_key())
        .serial_number(certificate.serial_number)
        .not_valid_before(certificate.not_valid_before_utc)
        .not_valid_after(certificate.not_valid_after_utc)
        .sign(ca.key, hashes.SHA256())
    )
    assert consumer_id(nameless) is None
    assert hsa_id(nameless) is None
