"""Client certificates that name nobody, or name someone in a hostile way.

They come from the hub's own CA (so TLS accepts them) but carry a subject the
consumer-id rule cannot use: no id at all, an id with a newline (which would
forge a log line, here one that carries a personnummer), an id longer than the
registry allows. Each caller is served as unknown, which the policy refuses;
the refusal is logged without the offending value. A server certificate offered
as a client certificate is refused at the handshake.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certs.issue import IssuedFiles
from tests.transport.conftest import Pki, call, client_context, config, running
from tests.transport.test_mtls import REFUSED

# Skatteverket's public test personnummer (shared/testdata), nobody real.
PERSON = "197611042396"


def _issued(pki: Pki, subject: x509.Name, folder: Path) -> IssuedFiles:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(pki.ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                pki.ca.key.public_key()  # type: ignore[arg-type]
            ),
            False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False
        )
        .sign(pki.ca.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "client.pem", folder / "client.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return IssuedFiles(
        serial=certificate.serial_number,
        certificate=cert_path,
        key=key_path,
        certificate_object=certificate,
    )


def _named(attribute: x509.ObjectIdentifier, value: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(attribute, value),
        ]
    )


SUBJECTS = {
    "no id at all": x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "SE")]),
    "newline in the CN": _named(
        NameOID.COMMON_NAME, f"SE2321000230-JOUR\n{PERSON} forged line"
    ),
    "escape in the organisation id": _named(
        NameOID.ORGANIZATION_IDENTIFIER, "NTRSE-2321000230\x1b[31m"
    ),
    "id longer than the registry": _named(
        NameOID.ORGANIZATION_IDENTIFIER, "NTRSE-" + "2" * 60
    ),
}


@pytest.mark.parametrize("subject", SUBJECTS.values(), ids=list(SUBJECTS))
def test_certificate_naming_nobody_usable_is_served_as_unknown(
    pki: Pki, subject: x509.Name, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = _issued(pki, subject, tmp_path)

    with running(config(pki)) as port:
        status, body = call(port, client_context(pki, client))

    assert (status, body) == (200, "-|-")
    assert PERSON not in caplog.text
    assert "\x1b" not in caplog.text


def test_server_certificate_offered_by_a_client_is_refused(pki: Pki) -> None:
    with running(config(pki)) as port, pytest.raises(REFUSED):
        call(port, client_context(pki, pki.server))
