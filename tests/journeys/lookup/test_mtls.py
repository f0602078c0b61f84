"""The whole stack: mutual TLS (regionnav.transport), consumer from the client
certificate, the services, and ``regionnav lookup`` as the consumer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result
from zeep.exceptions import Fault

from certs.ca import create_ca
from certs.issue import CertificateKind, CertificateRequest, IssuedFiles, issue
from certs.revocation import write_crl
from regionnav.cli.common import app
from regionnav.config import ServerConfig
from regionnav.transport import build_server
from services import client
from services.app import build_app
from tests.journeys.lookup.conftest import HUB_CONFIG, JOURNAL, PERSONS_ONLY

ORDINARY = "197611042396"
SEKRETESS = "198605302390"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("pki")
    ca = create_ca(root / "ca", name="Lookup Journey CA")
    write_crl(ca)
    server = CertificateRequest(
        CertificateKind.SERVER, "localhost", ip_addresses=("127.0.0.1",)
    )

    def consumer(hsa_id: str) -> IssuedFiles:
        request = CertificateRequest(
            CertificateKind.CLIENT, hsa_id, hsa_id=hsa_id, organisation="Test"
        )
        return issue(ca, request, root / "issued", name=hsa_id)

    served = issue(ca, server, root / "issued", name="server")
    journal, other = consumer(JOURNAL), consumer(PERSONS_ONLY)
    return {
        "ca": ca.cert_path,
        "crl": ca.crl_path,
        "server_cert": served.certificate,
        "server_key": served.key,
        "journal_cert": journal.certificate,
        "journal_key": journal.key,
        "other_cert": other.certificate,
        "other_key": other.key,
    }


@pytest.fixture
def hub_url(hub: Engine, pki: dict[str, Path]) -> Iterator[str]:
    settings = ServerConfig(
        host="127.0.0.1",
        port=0,
        threads=4,
        certfile=pki["server_cert"],
        keyfile=pki["server_key"],
        client_ca=pki["ca"],
        crl=pki["crl"],
    )
    config = replace(HUB_CONFIG, server=settings)
    server = build_server(config, build_app(config, hub))
    server.prepare()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.bind_addr[1]}"
    server.stop()
    thread.join(timeout=5)


def credentials(pki: dict[str, Path], who: str) -> client.Credentials:
    return client.Credentials(pki[f"{who}_cert"], pki[f"{who}_key"], pki["ca"])


def test_consumer_named_by_its_certificate_gets_an_answer(
    hub_url: str, pki: dict[str, Path]
) -> None:
    service, history = client.connect(
        "residentmaster", hub_url, credentials(pki, "journal")
    )
    payload = client.call(
        "residentmaster",
        service,
        history,
        person_ids=[ORDINARY, SEKRETESS],
        logical_address=HUB_CONFIG.hub.hsa_id,
    )
    assert len(payload) == 2


def test_certificate_without_the_right_is_refused(
    hub_url: str, pki: dict[str, Path]
) -> None:
    service, history = client.connect(
        "residentmaster", hub_url, credentials(pki, "other")
    )
    with pytest.raises(Fault, match="not authorised"):
        client.call(
            "residentmaster",
            service,
            history,
            person_ids=[ORDINARY],
            logical_address=HUB_CONFIG.hub.hsa_id,
        )


def run_lookup(tmp_path: Path, *arguments: str) -> Result:
    """``regionnav lookup`` with an empty configuration of its own."""
    config = tmp_path / "regionnav.toml"
    config.write_text("", encoding="utf-8")
    return CliRunner().invoke(app, ["--config", str(config), *arguments])


def as_journal(hub_url: str, pki: dict[str, Path]) -> list[str]:
    """The options that make the lookup the journal system, at the hub."""
    return [
        "--url", hub_url,
        "--logical-address", HUB_CONFIG.hub.hsa_id,
        "--cert", str(pki["journal_cert"]),
        "--key", str(pki["journal_key"]),
        "--ca", str(pki["ca"]),
    ]  # fmt: skip


def test_lookup_command_prints_the_answer(
    hub_url: str, pki: dict[str, Path], tmp_path: Path
) -> None:
    result = run_lookup(
        tmp_path, "lookup", ORDINARY, "195302022255", *as_journal(hub_url, pki)
    )
    assert result.exit_code == 0, result.output
    assert f"PersonId: {ORDINARY}" in result.output
    assert "Efternamn: Östlund" in result.output
    assert "195302022255" not in result.output


def test_lookup_command_without_certificates_says_what_is_missing(
    hub_url: str, tmp_path: Path
) -> None:
    result = run_lookup(tmp_path, "lookup", ORDINARY, "--url", hub_url)
    assert result.exit_code != 0
    assert "TLS handshake" in result.output
    assert "missing client certificate (--cert), client key (--key), server CA" in (
        result.output
    )
    assert ORDINARY not in result.output


def test_lookup_command_logs_no_personal_data_even_at_debug(
    hub_url: str, pki: dict[str, Path], tmp_path: Path
) -> None:
    # zeep's transport would log whole answers, names and addresses included.
    result = run_lookup(
        tmp_path, "--log-level", "DEBUG", "lookup", ORDINARY, *as_journal(hub_url, pki)
    )
    assert result.exit_code == 0, result.output
    assert "Efternamn: Östlund" in result.stdout
    assert ORDINARY not in result.stderr
    assert "Östlund" not in result.stderr


def test_lookup_command_with_nothing_listening_asks_whether_the_server_runs(
    tmp_path: Path,
) -> None:
    result = run_lookup(tmp_path, "lookup", ORDINARY, "--url", "https://127.0.0.1:9")
    assert result.exit_code != 0
    assert "is `regionnav serve` there, on https?" in result.output
    assert "certificate" not in result.output


def test_lookup_command_names_a_certificate_file_it_cannot_read(
    hub_url: str, pki: dict[str, Path], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such.pem"
    options = as_journal(hub_url, pki)
    options[options.index("--cert") + 1] = str(missing)
    result = run_lookup(tmp_path, "lookup", ORDINARY, *options)
    assert result.exit_code != 0
    assert str(missing) in result.output
    assert "Traceback" not in result.output


def test_lookup_command_refuses_an_id_with_control_characters_in_one_line(
    tmp_path: Path,
) -> None:
    result = run_lookup(tmp_path, "lookup", "1965\x1b[31m07233721")
    assert result.exit_code == 1
    assert "a person id holds control characters" in result.output
    assert "Traceback" not in result.output
