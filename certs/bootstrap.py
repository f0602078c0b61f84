"""A ready-to-run local trust setup for ``regionnav init`` and the demo.

Creates (or reuses) the local CA in ``certs.ca_dir``, its CRL, a server
certificate for ``localhost`` / 127.0.0.1 / ::1 and one demo consumer client
certificate carrying an HSA-id. Running it again reuses what is still good and
replaces a server or client certificate that is missing, not from this CA,
revoked, or within :data:`RENEW_DAYS` of expiry, so ``init`` can be repeated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509

from certs import ca as ca_module
from certs import keys
from certs.files import read_bytes
from certs.index import read_index
from certs.inspect import load_certificate
from certs.issue import CertificateKind, CertificateRequest, issue
from certs.revocation import write_crl
from regionnav.config import CertsConfig
from regionnav.errors import CertificateError

logger = logging.getLogger(__name__)

DEMO_CONSUMER_HSA_ID = "SE2321000230-DEMO"
SERVER_NAME = "server"
CLIENT_NAME = "demo-consumer"
RENEW_DAYS = 30


@dataclass(frozen=True)
class LocalSetup:
    """Paths of everything :func:`bootstrap` made, for the config and the demo.

    ``ca_certificate`` is what a server trusts (``server.client_ca``) and a
    client verifies the server against; ``crl`` is ``server.crl``.
    """

    ca_dir: Path
    ca_certificate: Path
    crl: Path
    server_certificate: Path
    server_key: Path
    client_certificate: Path
    client_key: Path
    client_hsa_id: str
    created: tuple[str, ...]  # what this run made anew: "ca", "crl", "server", ...


def bootstrap(
    certs: CertsConfig,
    *,
    out_dir: Path | None = None,
    client_hsa_id: str = DEMO_CONSUMER_HSA_ID,
    server_hsa_id: str | None = None,
    server_dns: tuple[str, ...] = ("localhost",),
    server_ips: tuple[str, ...] = ("127.0.0.1", "::1"),
) -> LocalSetup:
    """Make sure a local CA, server and demo client certificate exist; return paths.

    The CA lives in ``certs.ca_dir`` (its key encrypted with
    ``certs.key_password`` if set); server and client files go to ``out_dir``,
    by default ``tls/`` beside the CA directory. ``server_hsa_id`` (e.g. the
    hub's own HSA-id) goes into the server subject's serialNumber if given.
    Raises CertificateError when an existing CA cannot be loaded (e.g. wrong
    password) or a file cannot be written.
    """
    out = out_dir or certs.ca_dir.parent / "tls"
    password = ca_module.password_bytes(certs.key_password)
    created: list[str] = []

    if ca_module.exists(certs.ca_dir):
        authority = ca_module.load_ca(certs.ca_dir, password)
    else:
        authority = ca_module.create_ca(certs.ca_dir, password=password)
        created.append("ca")
    if _crl_is_stale(authority.crl_path):
        write_crl(authority)
        created.append("crl")

    server = CertificateRequest(
        kind=CertificateKind.SERVER,
        common_name=server_dns[0] if server_dns else "localhost",
        hsa_id=server_hsa_id,
        organisation="Regionnav",
        dns_names=server_dns,
        ip_addresses=server_ips,
    )
    client = CertificateRequest(
        kind=CertificateKind.CLIENT,
        common_name="Regionnav demo consumer",
        hsa_id=client_hsa_id,
        organisation="Regionnav demo",
    )
    for name, request in ((SERVER_NAME, server), (CLIENT_NAME, client)):
        if not _still_good(authority, out / f"{name}.pem", out / f"{name}.key"):
            issue(authority, request, out, name=name, replace=True)
            created.append(name)

    logger.info("local certificates ready in %s (new: %s)", out, created or "none")
    return LocalSetup(
        ca_dir=certs.ca_dir,
        ca_certificate=authority.cert_path,
        crl=authority.crl_path,
        server_certificate=out / f"{SERVER_NAME}.pem",
        server_key=out / f"{SERVER_NAME}.key",
        client_certificate=out / f"{CLIENT_NAME}.pem",
        client_key=out / f"{CLIENT_NAME}.key",
        client_hsa_id=client_hsa_id,
        created=tuple(created),
    )


def _crl_is_stale(path: Path) -> bool:
    if not path.exists():
        return True
    try:
        crl = x509.load_pem_x509_crl(read_bytes(path))
    except ValueError:
        return True
    next_update = crl.next_update_utc
    horizon = datetime.now(UTC) + timedelta(days=RENEW_DAYS // 2)
    return next_update is None or next_update < horizon


def _still_good(
    authority: ca_module.CertificateAuthority, cert_path: Path, key_path: Path
) -> bool:
    if not cert_path.exists() or not key_path.exists():
        return False
    try:
        certificate = load_certificate(read_bytes(cert_path))
        key = keys.from_pem(read_bytes(key_path), None, str(key_path))
    except CertificateError:
        # Unreadable or encrypted: not usable unattended, so it is replaced.
        return False
    entry = read_index(authority.directory).find(certificate.serial_number)
    horizon = datetime.now(UTC) + timedelta(days=RENEW_DAYS)
    return (
        certificate.issuer == authority.certificate.subject
        and entry is not None
        and not entry.revoked
        and certificate.not_valid_after_utc > horizon
        and keys.matches(key, certificate)
    )
