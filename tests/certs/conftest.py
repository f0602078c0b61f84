"""A small PKI per test session: two CAs and the certificates the tests need.

``pki`` is shared and must not be changed by tests; a test that revokes or
issues more makes its own CA with the ``ca`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from certs.ca import CertificateAuthority, create_ca
from certs.issue import CertificateKind, CertificateRequest, IssuedFiles, issue
from certs.revocation import revoke, write_crl

CLIENT_HSA_ID = "SE2321000230-TST1"


@dataclass(frozen=True)
class Pki:
    ca: CertificateAuthority
    other_ca: CertificateAuthority
    server: IssuedFiles
    client: IssuedFiles
    expired_client: IssuedFiles
    revoked_client: IssuedFiles
    foreign_client: IssuedFiles  # issued by other_ca


def client_request(
    cn: str, hsa_id: str | None = CLIENT_HSA_ID, **more: Any
) -> CertificateRequest:
    return CertificateRequest(
        kind=CertificateKind.CLIENT,
        common_name=cn,
        hsa_id=hsa_id,
        organisation="Testregionen",
        **more,
    )


def server_request(**more: Any) -> CertificateRequest:
    return CertificateRequest(
        kind=CertificateKind.SERVER,
        common_name="localhost",
        dns_names=("localhost",),
        ip_addresses=("127.0.0.1",),
        **more,
    )


@pytest.fixture
def ca(tmp_path: Path) -> CertificateAuthority:
    """A fresh CA of this test's own, with its first CRL."""
    authority = create_ca(tmp_path / "ca", name="Test CA")
    write_crl(authority)
    return authority


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    root = tmp_path_factory.mktemp("pki")
    authority = create_ca(root / "ca", name="Session CA")
    other = create_ca(root / "other-ca", name="Other CA")
    out = root / "issued"

    server = issue(authority, server_request(), out, name="server")
    client = issue(authority, client_request("Journal"), out, name="client")
    expired = issue(
        authority,
        client_request(
            "Old journal",
            hsa_id="SE2321000230-OLD1",
            not_before=datetime(2020, 1, 1, tzinfo=UTC),
            not_after=datetime(2020, 12, 31, tzinfo=UTC),
        ),
        out,
        name="expired",
    )
    revoked = issue(
        authority,
        client_request("Lost", hsa_id="SE2321000230-LOST"),
        out,
        name="revoked",
    )
    foreign = issue(other, client_request("Stranger"), out, name="foreign")

    write_crl(other)
    revoke(authority, revoked.serial)  # also writes the CA's CRL
    return Pki(authority, other, server, client, expired, revoked, foreign)
