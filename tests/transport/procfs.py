"""What Linux's /proc tells about processes and their sockets, and local ports.

For tests that run ``regionnav serve`` as real processes and must know which
process listens, which holds a connection, and when they are gone.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

LISTEN = "0A"  # TCP state in /proc/net/tcp
CLIENT_TIMEOUT = 10.0


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may itself hold spaces.
    return text[text.rindex(")") + 2 :].split()


def parent_of(pid: int) -> int | None:
    fields = _stat(pid)
    return None if fields is None else int(fields[1])


def start_time(pid: int) -> str | None:
    fields = _stat(pid)
    return None if fields is None else fields[19]


def alive(pid: int) -> bool:
    fields = _stat(pid)
    # A zombie has ended; only its parent's wait is outstanding.
    return fields is not None and fields[0] not in {"Z", "X"}


def children_of(pid: int) -> list[int]:
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and parent_of(int(entry.name)) == pid
    ]


def descendants_of(pid: int) -> list[int]:
    found = []
    for child in children_of(pid):
        found += [child, *descendants_of(child)]
    return found


def _sockets_of(pid: int) -> set[str]:
    inodes = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except (FileNotFoundError, ProcessLookupError):
        return set()
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:  # closed since it was listed
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _tcp_sockets() -> list[tuple[int, int, str, str]]:
    """(local port, remote port, state, inode) of every IPv4 TCP socket."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    sockets = []
    for row in rows:
        fields = row.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        sockets.append((int(local[-4:], 16), int(remote[-4:], 16), state, inode))
    return sockets


def serving_processes(started: int, port: int) -> list[int]:
    """Of ``started`` and its descendants, those that listen on ``port``."""
    listening = {
        inode
        for local, _remote, state, inode in _tcp_sockets()
        if local == port and state == LISTEN
    }
    candidates = [started, *descendants_of(started)]
    return [pid for pid in candidates if _sockets_of(pid) & listening]


def holder_of_connection(started: int, port: int, client_port: int) -> int | None:
    """Of ``started`` and its descendants, the one holding the server's end of
    the connection from ``client_port`` to ``port``."""
    ends = {
        inode
        for local, remote, state, inode in _tcp_sockets()
        if local == port and remote == client_port and state != LISTEN
    }
    for pid in [started, *descendants_of(started)]:
        if _sockets_of(pid) & ends:
            return pid
    return None


def end_all(pids: dict[int, str | None]) -> None:
    """SIGKILL each process still running, if its pid was not taken over since."""
    for pid, started in pids.items():
        if started is not None and start_time(pid) == started and alive(pid):
            os.kill(pid, signal.SIGKILL)


def wait_until_gone(pids: list[int], seconds: float) -> list[int]:
    """Wait up to ``seconds`` for ``pids`` to end; those still running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return []
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def refuses(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT).close()
    except ConnectionRefusedError:
        return True
    return False
