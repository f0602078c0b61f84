"""``regionnav certs ...`` from an administrator's seat.

One journey through the commands with typer's CliRunner (in process), and the
failure path through a real subprocess, where ``main`` turns a
CertificateError into one line on stderr and exit status 1.
"""

from __future__ import annotations

import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from typer.testing import CliRunner, Result

from regionnav.cli import app
from regionnav.errors import CertificateError

HSA_ID = "SE2321000230-JRN1"
P12_PASSWORD = "p12-secret-value"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "regionnav.toml"
    path.write_text('[certs]\nca_dir = "ca"\n', encoding="utf-8")
    return path


def invoke(
    config: Path,
    command: str,
    *paths: Path,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """Run ``regionnav certs <command> <paths>`` in process."""
    args = ["--config", str(config), "certs", *shlex.split(command), *map(str, paths)]
    return CliRunner().invoke(app, args, input=input, env=env)


def run(
    config: Path,
    command: str,
    *paths: Path,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> tuple[str, str]:
    """Like :func:`invoke`; fails the test on a non-zero exit. (stdout, stderr)."""
    result = invoke(config, command, *paths, input=input, env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout, result.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_certs_journey(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "tls"
    stdout, _ = run(config, "init-ca --name 'Pilot CA'")
    assert "CA created" in stdout
    assert (tmp_path / "ca" / "crl.pem").is_file()

    run(
        config,
        "issue --kind server --cn localhost --dns localhost --ip 127.0.0.1 --out",
        out,
    )
    stdout, _ = run(
        config,
        f"issue --kind client --cn Journal --hsa-id {HSA_ID} --org Region --p12 --out",
        out,
        input=f"{P12_PASSWORD}\n{P12_PASSWORD}\n",
    )
    assert P12_PASSWORD not in stdout
    assert mode(out / "journal.key") == mode(out / "journal.p12") == 0o600

    stdout, _ = run(config, "inspect", out / "journal.p12", input=f"{P12_PASSWORD}\n")
    assert f"HSA-id:       {HSA_ID}" in stdout
    assert "issuer:       CN=Pilot CA,C=SE" in stdout
    assert "SHA-256:" in stdout and "valid until:" in stdout
    assert P12_PASSWORD not in stdout

    stdout, _ = run(config, "revoke --reason keyCompromise", out / "journal.pem")
    serial = int(stdout.split()[2], 16)
    run(config, "crl --out", tmp_path / "published.crl")
    crl = x509.load_pem_x509_crl((tmp_path / "published.crl").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(serial) is not None

    run(
        config,
        f"import-p12 --password {P12_PASSWORD} --out",
        tmp_path / "imported",
        out / "journal.p12",
    )
    assert mode(tmp_path / "imported" / "journal.key") == 0o600


def test_list_marks_and_warns_under_30_days(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "tls"
    run(config, "init-ca")
    run(config, "issue --kind client --cn Long --out", out)
    run(config, "issue --kind client --cn Short --days 10 --out", out)
    run(config, "issue --kind client --cn Gone --days 5 --out", out)
    run(config, "revoke", out / "gone.pem")

    stdout, stderr = run(config, "list")
    rows = {line.split()[-1]: line for line in stdout.splitlines()[1:]}
    assert " ok " in rows["CN=Long,C=SE"]
    assert " SOON " in rows["CN=Short,C=SE"]
    assert " REVOKED " in rows["CN=Gone,C=SE"]
    assert stderr.count("warning:") == 1
    assert "expires in 9 days" in stderr


def test_expired_certificate_is_listed_as_expired(config: Path, tmp_path: Path) -> None:
    run(config, "init-ca")
    run(
        config,
        "issue --kind client --cn Old --not-before 2020-01-01 --not-after 2020-12-31"
        " --out",
        tmp_path / "tls",
    )
    stdout, stderr = run(config, "list")
    assert " EXPIRED " in stdout
    assert "has expired" in stderr


def test_encrypted_ca_key_password_is_asked_for(config: Path, tmp_path: Path) -> None:
    _, stderr = run(config, "init-ca --encrypt-key", input="ca-pass\nca-pass\n")
    assert b"ENCRYPTED" in (tmp_path / "ca" / "ca.key").read_bytes()
    assert "not encrypted" not in stderr

    stdout, _ = run(
        config, "issue --kind client --cn J --out", tmp_path / "tls", input="ca-pass\n"
    )
    assert "ca-pass" not in stdout
    assert (tmp_path / "tls" / "j.pem").is_file()


def test_wrong_ca_key_password_fails(config: Path, tmp_path: Path) -> None:
    run(config, "init-ca --encrypt-key", input="ca-pass\nca-pass\n")
    result = invoke(
        config, "issue --kind client --cn J --out", tmp_path / "tls", input="guess\n"
    )
    assert result.exit_code == 1
    assert isinstance(result.exception, CertificateError)
    assert "wrong password" in str(result.exception)


def test_pkcs12_password_can_come_from_the_environment(
    config: Path, tmp_path: Path
) -> None:
    env = {"REGIONNAV_P12_PASSWORD": P12_PASSWORD}
    run(config, "init-ca")
    run(config, "issue --kind client --cn J --p12 --out", tmp_path / "tls", env=env)
    stdout, _ = run(config, "inspect", tmp_path / "tls" / "j.p12", env=env)
    assert "PKCS#12, private key present (not shown)" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["certs", "list"], "no CA in"),
        (["certs", "inspect", "missing.pem"], "cannot read missing.pem"),
    ],
)
def test_failure_is_one_line_and_exit_status_1(
    config: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "regionnav.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("regionnav: error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
