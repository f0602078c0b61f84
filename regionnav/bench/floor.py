"""The floor of the stack: the same TLS server answering one pre-rendered response.

``python -m regionnav.bench.floor`` serves, with the transport of ``regionnav
serve`` (mutual TLS, identity middleware, limits), a WSGI app that only reads
the request body and returns fixed bytes. Whatever Regionnav's lookups cost on
top of this is the cost of Regionnav itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from regionnav import config
from regionnav.transport import build_server

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


def main() -> None:
    server = build_server(config.load(), floor_app)
    server.prepare()
    print("floor serving", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
