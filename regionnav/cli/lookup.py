"""``regionnav lookup``: ask a running Regionnav, as a consumer would."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import requests
import typer
from zeep.exceptions import Fault, TransportError

from regionnav.cli.common import app, current_config, fail
from services import client

ContractOption = Annotated[
    str,
    typer.Option(
        "--contract", help="residentmaster or persons (GetPersonsForProfile 5.0)."
    ),
]


@app.command()
def lookup(
    person_ids: Annotated[list[str], typer.Argument(help="Personnummer to look up.")],
    *,
    contract: ContractOption = "residentmaster",
    profile: Annotated[str, typer.Option("--profile", help="persons: P1-P5.")] = "P2",
    url: Annotated[
        str | None,
        typer.Option(
            "--url",
            help="Base URL; default from the server section of the configuration.",
        ),
    ] = None,
    logical_address: Annotated[
        str | None,
        typer.Option("--logical-address", help="Default: the hub's own HSA-id."),
    ] = None,
    cert: Annotated[
        Path | None, typer.Option("--cert", help="Client certificate.")
    ] = None,
    key: Annotated[Path | None, typer.Option("--key", help="Client key.")] = None,
    ca: Annotated[Path | None, typer.Option("--ca", help="CA of the server.")] = None,
    contracts: Annotated[
        Path, typer.Option("--contracts", help="Folder of the official RIV-TA files.")
    ] = client.OFFICIAL,
) -> None:
    """Call a running Regionnav with a zeep client built from the official WSDL.

    With no certificate options, the demo consumer's files from the local
    trust setup (tls/ beside certs.ca_dir) are used when they exist.
    """
    if not all(person_id.isprintable() for person_id in person_ids):
        # zeep would fail on them deep inside lxml, with a stack.
        fail("a person id holds control characters")
    cfg = current_config()
    scheme = "https" if cfg.server.tls else "http"
    base = url or f"{scheme}://{cfg.server.host}:{cfg.server.port}"
    tls = cfg.certs.ca_dir.parent / "tls"
    credentials = client.Credentials(
        certificate=cert or _existing(tls / "demo-consumer.pem"),
        key=key or _existing(tls / "demo-consumer.key"),
        ca=ca or _existing(cfg.certs.ca_dir / "ca.pem"),
    )

    service, history = client.connect(contract, base, credentials, contracts)
    try:
        payload = client.call(
            contract,
            service,
            history,
            person_ids=person_ids,
            logical_address=logical_address or cfg.hub.hsa_id,
            profile=profile,
        )
    except Fault as exc:
        fail(f"{exc.code}: {exc.message}")
    except requests.exceptions.SSLError:
        fail(f"the TLS handshake with {base} failed{_lacking(credentials)}")
    except requests.exceptions.ConnectionError:
        scheme = base.split(":", 1)[0]
        fail(f"cannot connect to {base}: is `regionnav serve` there, on {scheme}?")
    except TransportError as exc:
        # Its text may quote the answer; the status is enough.
        fail(f"{base} answered HTTP {exc.status_code}")
    except OSError as exc:
        # requests' own: a certificate or key file that cannot be read.
        fail(f"cannot call {base}: {exc}")

    lines = client.readable(payload)
    typer.echo("\n".join(lines) if lines else "no person found")


def _lacking(credentials: client.Credentials) -> str:
    """Why the TLS handshake may have failed: missing files, else the usual causes."""
    missing = [
        name
        for name, path in (
            ("client certificate (--cert)", credentials.certificate),
            ("client key (--key)", credentials.key),
            ("server CA (--ca)", credentials.ca),
        )
        if path is None
    ]
    if not missing:
        return (
            ": it refused the client certificate, its own is not from --ca, "
            "or it does not speak TLS"
        )
    return (
        f": missing {', '.join(missing)}. Pass them, or point REGIONNAV_CONFIG "
        "at the hub's regionnav.toml, whose local setup has them"
    )


def _existing(path: Path) -> Path | None:
    return path if path.exists() else None
