"""``regionnav certs ...``: the local CA, issuing, revoking, inspecting.

A thin layer over :mod:`certs`. Results go to stdout, warnings to stderr,
failures raise CertificateError, which ``main`` prints as one line (exit 1).
Passwords are read hidden when not given, and never echoed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from certs import ca as ca_module
from certs.index import format_serial, read_index
from certs.inspect import describe, needs_password, read_material
from certs.issue import CertificateKind, CertificateRequest, issue
from certs.keys import KeyType
from certs.pkcs12 import import_p12
from certs.revocation import CRL_DAYS, reason_of, revoke, serial_of, write_crl
from regionnav.cli.common import app, current_config

certs_app = typer.Typer(
    help="Certificates: a local CA, issuing, revoking, inspecting.",
    no_args_is_help=True,
)
app.add_typer(certs_app, name="certs")

WARN_DAYS = 30
# Read from the environment so a password need not show in the process list.
P12_ENV_VARIABLE = "REGIONNAV_P12_PASSWORD"


def _load_ca() -> ca_module.CertificateAuthority:
    cfg = current_config().certs
    password = ca_module.password_bytes(cfg.key_password)
    if password is None and ca_module.key_is_encrypted(cfg.ca_dir):
        password = _ask("CA key password")
    return ca_module.load_ca(cfg.ca_dir, password)


def _password(given: str | None, confirm: bool = False) -> bytes:
    if given is not None:
        return given.encode("utf-8")
    return _ask("PKCS#12 password", confirm)


def _ask(prompt: str, confirm: bool = False) -> bytes:
    text = typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    return str(text).encode("utf-8")


@certs_app.command("init-ca")
def init_ca(
    name: Annotated[str, typer.Option(help="CA common name.")] = ca_module.DEFAULT_NAME,
    days: Annotated[
        int, typer.Option(help="Validity in days.")
    ] = ca_module.DEFAULT_DAYS,
    key_type: Annotated[KeyType, typer.Option(help="ec (P-256) or rsa (3072).")] = (
        KeyType.EC
    ),
    encrypt_key: Annotated[
        bool,
        typer.Option(help="Ask for a CA key password (else certs.key_password)."),
    ] = False,
) -> None:
    """Create the local CA in certs.ca_dir, with an empty CRL."""
    cfg = current_config().certs
    password = ca_module.password_bytes(cfg.key_password)
    if password is None and encrypt_key:
        password = _ask("CA key password", confirm=True)
    authority = ca_module.create_ca(cfg.ca_dir, name, days, password, key_type)
    crl = write_crl(authority)
    typer.echo(f"CA created in {authority.directory}")
    typer.echo(f"CA certificate: {authority.cert_path}")
    typer.echo(f"CRL: {crl}")
    if password is None:
        typer.echo(
            "note: the CA key is not encrypted; set certs.key_password or use"
            " --encrypt-key to protect it",
            err=True,
        )


@certs_app.command("issue")
def issue_command(
    *,
    kind: Annotated[CertificateKind, typer.Option(help="server or client.")],
    cn: Annotated[str, typer.Option(help="Common name: host or function name.")],
    out: Annotated[Path, typer.Option(help="Directory for the .pem and .key.")],
    hsa_id: Annotated[
        str | None, typer.Option(help="HSA-id, put in subject serialNumber.")
    ] = None,
    org: Annotated[str | None, typer.Option(help="Organisation (O).")] = None,
    org_id: Annotated[
        str | None, typer.Option(help="organizationIdentifier, e.g. NTRSE-...")
    ] = None,
    dns: Annotated[list[str] | None, typer.Option(help="DNS name (repeat).")] = None,
    ip: Annotated[list[str] | None, typer.Option(help="IP address (repeat).")] = None,
    days: Annotated[int, typer.Option(help="Validity in days.")] = 365,
    not_before: Annotated[
        datetime | None, typer.Option(help="Start of validity (UTC).")
    ] = None,
    not_after: Annotated[
        datetime | None, typer.Option(help="End of validity (UTC); may be past.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="File name stem.")] = None,
    key_type: Annotated[KeyType, typer.Option(help="ec or rsa.")] = KeyType.EC,
    p12: Annotated[bool, typer.Option(help="Also write a .p12 bundle.")] = False,
    password: Annotated[
        str | None,
        typer.Option(
            help="PKCS#12 password (asked if omitted).", envvar=P12_ENV_VARIABLE
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
) -> None:
    """Issue a server or client certificate signed by the local CA."""
    request = CertificateRequest(
        kind=kind,
        common_name=cn,
        hsa_id=hsa_id,
        organisation=org,
        organisation_id=org_id,
        dns_names=tuple(dns or ()),
        ip_addresses=tuple(ip or ()),
        days=days,
        not_before=not_before,
        not_after=not_after,
        key_type=key_type,
    )
    authority = _load_ca()
    p12_password = _password(password, confirm=True) if p12 else None
    files = issue(
        authority, request, out, name=name, p12_password=p12_password, replace=force
    )
    typer.echo(f"issued {kind.value} certificate, serial {format_serial(files.serial)}")
    typer.echo(f"certificate: {files.certificate}")
    typer.echo(f"key: {files.key} (mode 0600)")
    if files.pkcs12:
        typer.echo(f"PKCS#12: {files.pkcs12} (mode 0600)")


@certs_app.command("revoke")
def revoke_command(
    target: Annotated[str, typer.Argument(help="Certificate file or hex serial.")],
    reason: Annotated[
        str, typer.Option(help="keyCompromise, superseded, cessationOfOperation, ...")
    ] = "unspecified",
) -> None:
    """Revoke a certificate the CA issued and rewrite the CA's CRL."""
    authority = _load_ca()
    flag = reason_of(reason)
    entry = revoke(authority, serial_of(authority, target), flag)
    typer.echo(f"revoked serial {entry.serial_hex} ({flag.value})")
    typer.echo(f"CRL: {authority.crl_path}")


@certs_app.command("crl")
def crl_command(
    out: Annotated[
        Path | None, typer.Option(help="Also write the CRL here (PEM).")
    ] = None,
    days: Annotated[int, typer.Option(help="Days until nextUpdate.")] = CRL_DAYS,
) -> None:
    """Write a fresh CRL (PEM) to crl.pem in the CA dir, and to --out if given."""
    path = write_crl(_load_ca(), out, days)
    typer.echo(str(path))


@certs_app.command("list")
def list_command() -> None:
    """Every certificate the CA issued, with days to expiry; warns under 30 days."""
    cfg = current_config().certs
    ca_module.load_ca_certificate(
        cfg.ca_dir
    )  # no CA: one clear error, not a blank list
    now = datetime.now(UTC)
    typer.echo(
        f"{'SERIAL':<42} {'KIND':<6} {'EXPIRES':<10} {'DAYS':>5}  STATUS  SUBJECT"
    )
    for entry in read_index(cfg.ca_dir).entries:
        left = (entry.not_after - now).days
        status = _status(entry.revoked, entry.not_after <= now, left)
        typer.echo(
            f"{entry.serial_hex:<42} {entry.kind:<6} "
            f"{entry.not_after.date().isoformat():<10} {left:>5}  "
            f"{status:<7} {entry.subject}"
        )
        if status == "EXPIRED":
            typer.echo(f"warning: {entry.serial_hex} has expired", err=True)
        elif status == "SOON":
            typer.echo(f"warning: {entry.serial_hex} expires in {left} days", err=True)


def _status(revoked: bool, expired: bool, days_left: int) -> str:
    if revoked:
        return "REVOKED"
    if expired:
        return "EXPIRED"
    return "SOON" if days_left < WARN_DAYS else "ok"


@certs_app.command("inspect")
def inspect_command(
    file: Annotated[Path, typer.Argument(help="PEM, DER or PKCS#12 file.")],
    password: Annotated[
        str | None,
        typer.Option(
            help="PKCS#12 password (asked if needed).", envvar=P12_ENV_VARIABLE
        ),
    ] = None,
) -> None:
    """Show subject, HSA-id, issuer, validity and fingerprint of a certificate."""
    secret = password.encode("utf-8") if password is not None else None
    if secret is None and needs_password(file):
        secret = _password(None)
    material = read_material(file, secret)
    key_note = ", private key present (not shown)" if material.has_private_key else ""
    typer.echo(f"file: {file} ({material.format}{key_note})")
    count = len(material.certificates)
    for number, certificate in enumerate(material.certificates, start=1):
        if count > 1:
            typer.echo(f"-- certificate {number} of {count}")
        for line in describe(certificate).lines():
            typer.echo(line)


@certs_app.command("import-p12")
def import_p12_command(
    file: Annotated[Path, typer.Argument(help="The .p12 / .pfx file.")],
    out: Annotated[Path, typer.Option(help="Directory for the PEM files.")],
    password: Annotated[
        str | None,
        typer.Option(
            help="PKCS#12 password (asked if needed).", envvar=P12_ENV_VARIABLE
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace existing files.")] = False,
) -> None:
    """Split a PKCS#12 bundle into certificate and key PEM files (key mode 0600)."""
    secret = password.encode("utf-8") if password is not None else None
    if secret is None and needs_password(file):
        secret = _password(None)
    files = import_p12(file, out, secret, replace=force)
    typer.echo(f"certificate: {files.certificate}")
    typer.echo(f"key: {files.key} (mode 0600)")
    if files.chain:
        typer.echo(f"chain: {files.chain}")
