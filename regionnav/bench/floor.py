"""The floor of the stack: the same TLS server answering one pre-rendered response.

``python -m regionnav.bench.floor`` serves, with the transport of ``regionnav
serve`` (mutual TLS, identity middleware, limits), a WSGI app that only reads
the request body and returns fixed bytes. Whatever Regionnav's lookups cost on
top of this is the cost of Regionnav itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Any

from cheroot import wsgi

from regionnav import config
from regionnav.config import Config
from regionnav.transport import processes
from regionnav.transport.middleware import WsgiApp

RESPONSE = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    b"<soap:Body><Fixed>pre-rendered</Fixed></soap:Body></soap:Envelope>"
)


def floor_app(
    environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response(
        "200 OK",
        [("Content-Type", "text/xml; charset=UTF-8"),
         ("Content-Length", str(len(RESPONSE)))],
    )  # fmt: skip
    return [RESPONSE]


def fixed_app(_config: Config) -> tuple[WsgiApp, Callable[[], None]]:
    return floor_app, lambda: None


def main() -> None:
    def announce(_server: wsgi.Server, _app: WsgiApp) -> None:
        print("floor serving", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        processes.serve(config.load(), fixed_app, announce)


if __name__ == "__main__":
    main()
