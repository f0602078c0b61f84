"""Lookup latency and throughput over mutual TLS, against the floor of the stack.

The benchmark prepares a hub of its own in a work directory (``regionnav
init``, a generated grunduttag, its import), then starts three servers as
child processes, each on a port of its own — Regionnav with the audit trail
on, Regionnav with it off, and the floor app on the same transport — and
drives one at a time with the closed-loop load generator of
:mod:`regionnav.bench.load`. The idle ones take no CPU.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from regionnav import config as config_module
from regionnav.bench import load
from regionnav.bench.requests import Operation
from regionnav.errors import RegionnavError
from regionnav.store.engine import open_engine
from regionnav.store.models import Person

SERVER_THREADS = 48
WARM_UP_CLIENTS = 8
WARM_UP_SECONDS = 3.0


@dataclass(frozen=True)
class Hub:
    """A prepared benchmark hub: its configuration and the demo consumer's files."""

    config_path: Path
    host: str
    port: int
    hsa_id: str
    ca: Path
    cert: Path
    key: Path

    def target(self, operation: Operation, port: int) -> load.Target:
        """``operation`` sent to the server listening on ``port``."""
        return load.Target(self.host, port, operation.path, operation.soap_action,
                           self.ca, self.cert, self.key)  # fmt: skip


def prepare(workdir: Path, delivery: Path) -> Hub:
    """Initialise the hub in ``workdir`` and import ``delivery`` (no-op if done)."""
    config_path = workdir / "regionnav.toml"
    port = _free_port()
    if not config_path.exists():
        _regionnav(config_path, "init", "--data-dir", ".", "--port", str(port))
    else:
        _regionnav(config_path, "init")
    _regionnav(config_path, "import", str(delivery))

    cfg = config_module.load(config_path)
    tls = cfg.certs.ca_dir.parent / "tls"
    return Hub(
        config_path=config_path, host="localhost", port=cfg.server.port,
        hsa_id=cfg.hub.hsa_id, ca=cfg.certs.ca_dir / "ca.pem",
        cert=tls / "demo-consumer.pem", key=tls / "demo-consumer.key",
    )  # fmt: skip


def sample_ids(hub: Hub, count: int, seed: int = 1) -> list[str]:
    """``count`` person ids of the mirror, drawn at random with a fixed seed."""
    engine = open_engine(config_module.load(hub.config_path).store.database_url)
    with engine.connect() as connection:
        ids = list(connection.execute(select(Person.person_id)).scalars())
    engine.dispose()
    if not ids:
        raise RegionnavError("the benchmark hub's mirror is empty")
    # A reproducible sample, not a secret: the standard generator is right here.
    return random.Random(seed).sample(ids, min(count, len(ids)))  # noqa: S311


@dataclass(frozen=True)
class Shape:
    """How every measured server runs: ``server.threads`` and ``server.processes``."""

    threads: int = SERVER_THREADS
    processes: int = 1


@contextmanager
def server(
    hub: Hub, kind: str, shape: Shape, audit: bool = True, port: int | None = None
) -> Iterator[int]:
    """Run ``regionnav serve`` (``kind="regionnav"``) or the floor app meanwhile.

    Listens on ``port`` (the hub's when ``None``, a free one when 0) and
    gives the port it listens on.
    """
    if port is None:
        port = hub.port
    port = port or _free_port()
    environment = dict(os.environ)
    environment.update({
        "REGIONNAV_CONFIG": str(hub.config_path),
        "REGIONNAV_SERVER_PORT": str(port),
        "REGIONNAV_SERVER_THREADS": str(shape.threads),
        "REGIONNAV_SERVER_PROCESSES": str(shape.processes),
        "REGIONNAV_AUDIT_ENABLED": "true" if audit else "false",
    })  # fmt: skip
    module = "regionnav.cli" if kind == "regionnav" else "regionnav.bench.floor"
    arguments = ["serve"] if kind == "regionnav" else []
    # Our own interpreter and module: nothing here comes from a caller.
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", module, *arguments], env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(hub.host, port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def warm_up(target: load.Target, bodies: Sequence[bytes]) -> None:
    """Load a freshly started server unmeasured for a while, so that what is
    measured is its steady state: each process's page caches and connections
    filled, lazily built parts built."""
    load.run(target, bodies, WARM_UP_CLIENTS, WARM_UP_SECONDS)


def measure(
    target: load.Target, bodies: Sequence[bytes], clients: int, seconds: float
) -> load.Result:
    return load.run(target, bodies, clients, seconds)


def together(first: load.Result, second: load.Result) -> load.Result:
    """Two runs of the same load as one: their requests over their seconds."""
    return load.Result(
        first.clients,
        first.seconds + second.seconds,
        first.latencies + second.latencies,
        first.errors + second.errors,
    )


def _regionnav(config_path: Path, *arguments: str) -> None:
    command = [
        sys.executable,
        "-m",
        "regionnav.cli",
        "-c",
        str(config_path),
        *arguments,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RegionnavError(f"benchmark set-up failed: {last}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(host: str, port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RegionnavError("the benchmark server stopped at start-up")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RegionnavError("the benchmark server did not start within 30 s")
