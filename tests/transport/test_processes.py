"""``regionnav serve`` in several processes on one port, as an operator runs it.

Nothing is stood in for: the hub is set up by ``regionnav init`` and
``regionnav import``, ``regionnav serve`` runs as a child process of the test
with ``REGIONNAV_SERVER_PROCESSES=2``, and lookups go over mutual TLS with the
demo consumer's certificate. Which process holds a socket is read from
``/proc`` (Linux): a serving process holds a listening socket on the port, and
the process that served a connection holds that connection's socket while it is
kept alive. The request log lines cannot tell: they carry no process id.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from regionnav.config import load
from regionnav.errors import ConfigError
from tests.journeys.protection.calls import Ask
from tests.transport.procfs import (
    CLIENT_TIMEOUT,
    descendants_of,
    end_all,
    free_port,
    holder_of_connection,
    parent_of,
    port_is_free,
    refuses,
    serving_processes,
    start_time,
    wait_until_gone,
)

REPO = Path(__file__).resolve().parents[2]
DELIVERY = REPO / "tests" / "services" / "residentmaster" / "data" / "delivery-2020.xml"
PERSON = "197611042396"  # Skatteverket's test personnummer, in DELIVERY
LOOKUP = Ask("residentmaster-1.1", (PERSON,))
CONNECTIONS = 40
START_SECONDS = 30.0
STOP_SECONDS = 15.0
# A process whose parent was killed outright notices within this.
ORPHAN_SECONDS = 5.0
RECORDS = re.compile(r"audit trail intact: (\d+) records")

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads processes from /proc"
)


@dataclass(frozen=True)
class Hub:
    """A hub set up by ``regionnav init`` and filled by ``regionnav import``."""

    root: Path
    config: Path
    data: Path

    @property
    def client_cert(self) -> tuple[str, str]:
        tls = self.data / "tls"
        return str(tls / "demo-consumer.pem"), str(tls / "demo-consumer.key")

    @property
    def ca(self) -> str:
        return str(self.data / "ca" / "ca.pem")


@dataclass(frozen=True)
class Served:
    """A running ``regionnav serve``: the process started and its port."""

    process: subprocess.Popen[bytes]
    port: int
    stdout: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def listeners(self) -> list[int]:
        """The started process and those of its descendants that listen."""
        return serving_processes(self.pid, self.port)


# -- the command line -----------------------------------------------------------


def environment(**overrides: str) -> dict[str, str]:
    """The test's environment without the developer's Regionnav settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIONNAV_")}
    env.update(overrides)
    return env


def regionnav(
    hub: Hub, *args: str, timeout: float = 120.0, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regionnav.cli", "-c", str(hub.config), *args],
        cwd=REPO,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def audited(hub: Hub) -> int:
    """The number of records ``regionnav audit verify`` finds in an intact chain."""
    result = regionnav(hub, "audit", "verify")
    assert result.returncode == 0, result.stderr
    match = RECORDS.search(result.stdout)
    assert match is not None, result.stdout
    return int(match.group(1))


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Hub:
    root = tmp_path_factory.mktemp("processes")
    hub = Hub(root=root, config=root / "regionnav.toml", data=root / "data")
    # The port of the configuration is not used: each server is given its own.
    for step in (
        ("init", "--data-dir", str(hub.data), "--port", "8443"),
        ("import", str(DELIVERY)),
    ):
        result = regionnav(hub, *step)
        assert result.returncode == 0, result.stderr
    return hub


@pytest.fixture(scope="module")
def shared(hub: Hub) -> Iterator[Served]:
    """One serving pair for the tests that only ask it."""
    with serving(hub) as served:
        yield served


@dataclass(frozen=True)
class Stopped:
    """What became of a serving pair after a signal to the started process."""

    status: int
    children_left: list[int]  # still running ORPHAN_SECONDS after it ended
    # Both looked at then, before the test's own clean-up could end anything.
    port_refuses: bool
    port_free: bool


def stop(hub: Hub, signum: signal.Signals) -> Stopped:
    with serving(hub) as served:
        (child,) = [pid for pid in served.listeners() if pid != served.pid]
        served.process.send_signal(signum)
        status = served.process.wait(STOP_SECONDS)
        left = wait_until_gone([child], ORPHAN_SECONDS)
        return Stopped(status, left, refuses(served.port), port_is_free(served.port))


@pytest.fixture(scope="module")
def terminated(hub: Hub) -> Stopped:
    """A serving pair whose started process was sent SIGTERM."""
    return stop(hub, signal.SIGTERM)


@pytest.fixture(scope="module")
def killed(hub: Hub) -> Stopped:
    """A serving pair whose started process was sent SIGKILL."""
    return stop(hub, signal.SIGKILL)


@contextlib.contextmanager
def serving(hub: Hub) -> Iterator[Served]:
    """``regionnav serve`` with two processes; every process it made ends after."""
    port = free_port()
    out = hub.root / f"serve-{port}.out"
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "regionnav.cli", "-c", str(hub.config), "serve"],
            cwd=REPO,
            env=environment(
                REGIONNAV_SERVER_PROCESSES="2", REGIONNAV_SERVER_PORT=str(port)
            ),
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
    served = Served(process, port, out)
    # Noted while they are the started process's: once it is killed, they are
    # init's, and only this list still knows them.
    seen = {process.pid: start_time(process.pid)}
    try:
        _wait_for_both(served, seen)
        yield served
    finally:
        _note_descendants(served, seen)
        end_all(seen)
        process.kill()
        process.wait(STOP_SECONDS)


def _wait_for_both(served: Served, seen: dict[int, str | None]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        _note_descendants(served, seen)
        if len(served.listeners()) == 2:
            return
        if served.process.poll() is not None:
            break
        time.sleep(0.1)
    output = served.stdout.read_text(errors="replace")
    pytest.fail(f"regionnav serve did not come up in two processes:\n{output}")


def _note_descendants(served: Served, seen: dict[int, str | None]) -> None:
    if served.process.poll() is None:
        for pid in descendants_of(served.pid):
            seen.setdefault(pid, start_time(pid))


# -- lookups ----------------------------------------------------------------------


def look_up(hub: Hub, served: Served) -> tuple[requests.Response, int | None]:
    """One lookup on a new connection, and which process held that connection."""
    with requests.Session() as session:
        response = session.post(
            f"https://127.0.0.1:{served.port}{LOOKUP.path}",
            data=LOOKUP.envelope(),
            headers={
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{LOOKUP.soap_action}"',
            },
            cert=hub.client_cert,
            verify=hub.ca,
            timeout=CLIENT_TIMEOUT,
            stream=True,
        )
        # Read while the connection is still open: the server holds its end.
        connection = response.raw.connection
        assert connection is not None and connection.sock is not None
        holder = holder_of_connection(
            served.pid, served.port, connection.sock.getsockname()[1]
        )
        _ = response.content  # the body, before the session closes
        return response, holder


def look_up_many(hub: Hub, served: Served) -> collections.Counter[int | None]:
    """Lookups, each on a new connection, until every serving process has held
    one (at least CONNECTIONS, for at most START_SECONDS): lookups per process.

    A process listens before it has loaded everything and accepts; on a busy
    machine the first one can take forty connections before the other's
    first, so a fixed count would measure start-up instead of sharing.
    """
    expected = set(served.listeners())
    holders: collections.Counter[int | None] = collections.Counter()
    deadline = time.monotonic() + START_SECONDS
    while sum(holders.values()) < CONNECTIONS or (
        set(holders) != expected and time.monotonic() < deadline
    ):
        response, holder = look_up(hub, served)
        assert response.status_code == 200, response.text
        holders[holder] += 1
    return holders


# -- the tests --------------------------------------------------------------------


def test_two_processes_answer_a_lookup_over_mutual_tls(
    hub: Hub, shared: Served
) -> None:
    response, _holder = look_up(hub, shared)

    assert response.status_code == 200
    assert "LookupResidentForFullProfileResponse" in response.text
    assert PERSON in response.text


def test_serve_runs_as_the_started_process_and_one_child_of_it(
    shared: Served,
) -> None:
    processes = shared.listeners()
    others = [pid for pid in processes if pid != shared.pid]

    assert shared.pid in processes
    assert [parent_of(pid) for pid in others] == [shared.pid]


def test_new_connections_are_served_by_both_processes(hub: Hub, shared: Served) -> None:
    holders = look_up_many(hub, shared)

    assert set(holders) == set(shared.listeners())


def test_audit_chain_is_intact_and_counts_lookups_from_both_processes(
    hub: Hub, shared: Served
) -> None:
    before = audited(hub)

    holders = look_up_many(hub, shared)

    # Otherwise the chain was written by one process only: nothing to show.
    assert set(holders) == set(shared.listeners()), holders
    assert audited(hub) == before + sum(holders.values())


def test_sigterm_stops_the_started_process_with_status_0(
    terminated: Stopped,
) -> None:
    assert terminated.status == 0


def test_sigterm_ends_the_child_process_too(terminated: Stopped) -> None:
    assert terminated.children_left == []


def test_port_refuses_connections_after_sigterm(terminated: Stopped) -> None:
    assert terminated.port_refuses


def test_child_ends_when_the_started_process_is_killed(killed: Stopped) -> None:
    assert killed.children_left == []


def test_port_is_free_once_the_child_of_a_killed_process_ended(
    killed: Stopped,
) -> None:
    assert killed.port_free


def test_a_serving_process_that_dies_stops_all_with_a_one_line_error(
    hub: Hub,
) -> None:
    with serving(hub) as served:
        (child,) = [pid for pid in served.listeners() if pid != served.pid]
        os.kill(child, signal.SIGKILL)
        status = served.process.wait(STOP_SECONDS)
        output = served.stdout.read_text()
        refused = refuses(served.port)

    assert status != 0
    assert "a serving process ended with exit code -9; all stopped" in output
    assert "Traceback" not in output
    assert refused


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM] * 3)
def test_a_signal_to_the_whole_group_stops_all_cleanly(
    hub: Hub, tmp_path: Path, signum: signal.Signals
) -> None:
    # As Ctrl-C in a terminal or systemd's stop: every process gets it at once.
    port = free_port()
    out = tmp_path / "serve.out"
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "regionnav.cli", "-c", str(hub.config), "serve"],
            cwd=REPO,
            env=environment(
                REGIONNAV_SERVER_PROCESSES="2", REGIONNAV_SERVER_PORT=str(port)
            ),
            stdout=stdout,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    served = Served(process, port, out)
    seen = {process.pid: start_time(process.pid)}
    try:
        _wait_for_both(served, seen)
        _note_descendants(served, seen)
        os.killpg(process.pid, signum)
        status = process.wait(STOP_SECONDS)
        left = wait_until_gone(list(seen), ORPHAN_SECONDS)
    finally:
        end_all(seen)
        process.kill()
        process.wait(STOP_SECONDS)
    output = out.read_text()

    assert status == 0, output
    assert left == []
    assert "Traceback" not in output
    assert "Exception ignored" not in output


def test_second_serve_on_a_port_in_use_is_a_one_line_error(
    hub: Hub, shared: Served
) -> None:
    # Left running, a second hub would share the port through SO_REUSEPORT;
    # run() kills it at the timeout, and its child follows.
    result = regionnav(
        hub,
        "serve",
        REGIONNAV_SERVER_PROCESSES="2",
        REGIONNAV_SERVER_PORT=str(shared.port),
        timeout=START_SECONDS,
    )

    assert result.returncode != 0
    assert len(result.stderr.splitlines()) == 1
    assert f"127.0.0.1:{shared.port}" in result.stderr


def test_several_processes_share_the_ephemeral_port_the_first_one_chose(
    hub: Hub, tmp_path: Path
) -> None:
    out = tmp_path / "serve.out"
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "regionnav.cli", "-c", str(hub.config), "serve"],
            cwd=REPO,
            env=environment(REGIONNAV_SERVER_PROCESSES="2", REGIONNAV_SERVER_PORT="0"),
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
    seen = {process.pid: start_time(process.pid)}
    try:
        port = _announced_port(out, process)
        served = Served(process, port, out)
        _wait_for_both(served, seen)
        response, _holder = look_up(hub, served)

        assert port != 0
        assert response.status_code == 200
        assert len(served.listeners()) == 2
    finally:
        _note_descendants(Served(process, 0, out), seen)
        end_all(seen)
        process.kill()
        process.wait(STOP_SECONDS)


def _announced_port(out: Path, process: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"serving on https://[^:]+:(\d+)", out.read_text())
        if found:
            return int(found.group(1))
        time.sleep(0.1)
    pytest.fail(f"no address announced:\n{out.read_text()}")


@pytest.mark.parametrize("processes", [0, 65])
def test_processes_outside_1_to_64_is_refused(tmp_path: Path, processes: int) -> None:
    path = tmp_path / "regionnav.toml"
    path.write_text(f"[server]\nprocesses = {processes}\n", encoding="utf-8")

    with pytest.raises(ConfigError) as refused:
        load(path, environ={})

    assert str(refused.value) == (
        "configuration key 'server.processes': must be between 1 and 64"
    )
