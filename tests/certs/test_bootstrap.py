"""The local setup ``regionnav init`` makes: CA, CRL, server and demo client."""

from __future__ import annotations

import ssl
import stat
from pathlib import Path

from certs.bootstrap import DEMO_CONSUMER_HSA_ID, bootstrap
from certs.ca import load_ca
from certs.identity import consumer_id
from certs.inspect import describe, load_certificate
from certs.revocation import revoke
from regionnav.config import CertsConfig, Secret


def certs_config(tmp_path: Path, password: str | None = None) -> CertsConfig:
    return CertsConfig(
        ca_dir=tmp_path / "ca", key_password=Secret(password) if password else None
    )


def test_bootstrap_makes_everything_from_nothing(tmp_path: Path) -> None:
    setup = bootstrap(certs_config(tmp_path))
    assert setup.created == ("ca", "crl", "server", "demo-consumer")
    for path in (
        setup.ca_certificate,
        setup.crl,
        setup.server_certificate,
        setup.server_key,
        setup.client_certificate,
        setup.client_key,
    ):
        assert path.is_file(), path
    assert setup.server_certificate.parent == tmp_path / "tls"


def test_demo_client_carries_its_hsa_id(tmp_path: Path) -> None:
    setup = bootstrap(certs_config(tmp_path))
    certificate = load_certificate(setup.client_certificate.read_bytes())
    assert consumer_id(certificate) == DEMO_CONSUMER_HSA_ID == setup.client_hsa_id
    assert describe(certificate).kind == "client"


def test_server_answers_for_localhost_and_loopback(tmp_path: Path) -> None:
    setup = bootstrap(certs_config(tmp_path))
    info = describe(load_certificate(setup.server_certificate.read_bytes()))
    assert info.alt_names == ("DNS:localhost", "IP:127.0.0.1", "IP:::1")


def test_bootstrap_files_load_into_ssl_contexts(tmp_path: Path) -> None:
    setup = bootstrap(certs_config(tmp_path))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(setup.server_certificate, setup.server_key)
    server.load_verify_locations(cafile=setup.ca_certificate)
    server.load_verify_locations(cafile=setup.crl)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.load_cert_chain(setup.client_certificate, setup.client_key)
    assert server.cert_store_stats()["crl"] == 1


def test_private_keys_have_mode_0600(tmp_path: Path) -> None:
    setup = bootstrap(certs_config(tmp_path))
    for key in (setup.server_key, setup.client_key, setup.ca_dir / "ca.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key


def test_second_run_reuses_what_is_still_good(tmp_path: Path) -> None:
    first = bootstrap(certs_config(tmp_path))
    before = first.client_certificate.read_bytes()
    second = bootstrap(certs_config(tmp_path))
    assert second.created == ()
    assert second.client_certificate.read_bytes() == before


def test_revoked_demo_client_is_replaced(tmp_path: Path) -> None:
    first = bootstrap(certs_config(tmp_path))
    old = load_certificate(first.client_certificate.read_bytes())
    revoke(load_ca(first.ca_dir), old.serial_number)
    second = bootstrap(certs_config(tmp_path))
    new = load_certificate(second.client_certificate.read_bytes())
    assert second.created == ("demo-consumer",)
    assert new.serial_number != old.serial_number


def test_ca_key_is_encrypted_with_configured_password(tmp_path: Path) -> None:
    setup = bootstrap(certs_config(tmp_path, "pilot"))
    assert b"ENCRYPTED" in (setup.ca_dir / "ca.key").read_bytes()
    assert bootstrap(certs_config(tmp_path, "pilot")).created == ()


def test_server_hsa_id_goes_into_serial_number(tmp_path: Path) -> None:
    setup = bootstrap(certs_config(tmp_path), server_hsa_id="SE2321000230-RNAV")
    certificate = load_certificate(setup.server_certificate.read_bytes())
    assert consumer_id(certificate) == "SE2321000230-RNAV"
