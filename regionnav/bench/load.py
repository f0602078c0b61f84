"""A closed-loop load generator: N clients over keep-alive mutual-TLS connections.

Clients are threads spread over a few processes (the GIL would otherwise make
the load generator the bottleneck); each sends one request, waits for the whole
answer, and sends the next. Latency is measured per request from sending to
the last byte of the answer. Bounded in time, loopback only.
"""

from __future__ import annotations

import http.client
import multiprocessing
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    path: str
    soap_action: str
    ca: Path
    cert: Path
    key: Path


@dataclass(frozen=True)
class Result:
    clients: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass(frozen=True)
class _Plan:
    target: Target
    start: float
    seconds: float


@dataclass
class _Sink:
    latencies: list[float] = field(default_factory=list)
    failures: int = 0


def run(
    target: Target,
    bodies: Sequence[bytes],
    clients: int,
    seconds: float,
    warmup: float = 1.0,
) -> Result:
    """Drive ``clients`` concurrent clients for ``seconds`` after a warm-up."""
    processes = min(clients, 2)
    shares = [
        clients // processes + (i < clients % processes) for i in range(processes)
    ]
    results: multiprocessing.Queue[tuple[list[float], int]] = multiprocessing.Queue()
    plan = _Plan(target, time.time() + 0.5 + warmup, seconds)
    workers = [
        multiprocessing.Process(
            target=_process, args=(plan, list(bodies[i::processes]), share, results)
        )
        for i, share in enumerate(shares)
    ]
    for worker in workers:
        worker.start()

    latencies: list[float] = []
    errors = 0
    for _ in workers:
        part, failed = results.get(timeout=seconds + warmup + 60)
        latencies.extend(part)
        errors += failed
    for worker in workers:
        worker.join()
    return Result(clients, seconds, latencies, errors)


def _process(
    plan: _Plan,
    bodies: list[bytes],
    clients: int,
    results: multiprocessing.Queue[tuple[list[float], int]],
) -> None:
    context = _client_context(plan.target)
    sinks = [_Sink() for _ in range(clients)]
    threads = [
        threading.Thread(
            target=_client, args=(plan, context, bodies[i::clients] or bodies, sink)
        )
        for i, sink in enumerate(sinks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = [value for sink in sinks for value in sink.latencies]
    results.put((latencies, sum(sink.failures for sink in sinks)))


def _client(
    plan: _Plan, context: ssl.SSLContext, bodies: list[bytes], sink: _Sink
) -> None:
    target = plan.target
    connection = http.client.HTTPSConnection(target.host, target.port, context=context)
    stop = plan.start + plan.seconds
    sent = 0
    while (now := time.time()) < stop:
        body = bodies[sent % len(bodies)]
        sent += 1
        began = time.perf_counter()
        connection.request("POST", target.path, body, _headers(target))
        response = connection.getresponse()
        response.read()
        took = time.perf_counter() - began
        if response.status != 200:
            sink.failures += 1
        elif now >= plan.start:
            sink.latencies.append(took)
    connection.close()


def _client_context(target: Target) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(target.ca))
    context.load_cert_chain(str(target.cert), str(target.key))
    return context


def _headers(target: Target) -> dict[str, str]:
    return {
        "Content-Type": "text/xml; charset=UTF-8",
        "SOAPAction": f'"{target.soap_action}"',
    }


def single(target: Target, body: bytes, repeat: int) -> list[float]:
    """Time ``repeat`` sequential calls of one (large) request, in seconds."""
    connection = http.client.HTTPSConnection(
        target.host, target.port, context=_client_context(target)
    )
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        connection.request("POST", target.path, body, _headers(target))
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"the large call failed with HTTP {response.status}")
        timings.append(time.perf_counter() - began)
    connection.close()
    return timings
