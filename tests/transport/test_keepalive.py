"""Many clients at once keep their connections: no new handshake per request."""

from __future__ import annotations

import http.client

from tests.transport.conftest import TIMEOUT, Pki, client_context, config, running

CLIENTS = 20  # more than cheroot's own limit of 10 idle connections


def test_every_client_of_many_keeps_its_connection_alive(pki: Pki) -> None:
    context = client_context(pki, pki.client)
    with running(config(pki)) as port:
        connections = [
            http.client.HTTPSConnection(
                "127.0.0.1", port, timeout=TIMEOUT, context=context
            )
            for _ in range(CLIENTS)
        ]
        try:
            answers = []
            for connection in connections:
                connection.request("POST", "/", body=b"")
                response = connection.getresponse()
                response.read()
                answers.append(response.getheader("Connection", "keep-alive"))
        finally:
            for connection in connections:
                connection.close()

    assert answers.count("close") == 0
