"""All contract endpoints composed into one WSGI application.

Requests are dispatched on the URL path alone (RIV-TA rule: the path names the
contract and its major version); an unknown path gets 404. The application is
built once at start-up: :func:`build_app` opens nothing per request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine

from regionnav.config import Config
from regionnav.store.engine import open_engine
from services.pipeline import Runtime
from services.soap import Contract, Endpoint, StartResponse, endpoints


def contracts() -> list[Contract]:
    """Every contract Regionnav serves; one line per contract module."""
    from services.persons import CONTRACTS as PERSONS
    from services.ping import CONTRACT as PING
    from services.residentmaster import CONTRACT as RESIDENTMASTER

    return [RESIDENTMASTER, *PERSONS, PING]


class ServicesApp:
    """The WSGI application: one :class:`~services.soap.Endpoint` per path."""

    def __init__(self, runtime: Runtime, served: Iterable[Contract]) -> None:
        self.runtime = runtime
        self.endpoints: dict[str, Endpoint] = endpoints(served, runtime)

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "").rstrip("/")
        endpoint = self.endpoints.get(path)
        if endpoint is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no service contract at this path\n"]
        result: Iterable[bytes] = endpoint(environ, start_response)
        return result


def build_app(
    config: Config,
    engine: Engine | None = None,
    served: Iterable[Contract] | None = None,
) -> ServicesApp:
    """Build the application for ``config``; opens the store unless given one."""
    engine = engine or open_engine(config.store.database_url)
    runtime = Runtime.build(config, engine)
    return ServicesApp(runtime, contracts() if served is None else served)
