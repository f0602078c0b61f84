"""Hostile HTTP framing gets a SOAP Client fault at once, never a hang or a 413.

Cheroot answers an over-cap Content-Length with a plain-text 413 and turns
broken chunked coding into exceptions the services would report as their own
failure; a negative Content-Length would have the server read until the
client gives up. Each case here is answered as the caller's mistake.
"""

from __future__ import annotations

import pytest
import requests

from tests.journeys.hostile.conftest import (
    ACTION,
    CLIENT_TIMEOUT,
    MAX_BODY,
    Hub,
    envelope,
    fault_of,
    request_head,
)
from tests.journeys.lookup.conftest import RM_PATH


def test_body_declared_over_the_cap_is_refused_before_it_is_sent(hub: Hub) -> None:
    # Not a byte of the body is sent: the fault must come from the head alone.
    answer = hub.exchange(request_head(length=str(MAX_BODY + 1)))

    code, text = fault_of(answer)
    assert code == "soap:Client"
    assert f"exceeds {MAX_BODY}" in text


def test_body_over_the_cap_sent_whole_still_gets_the_fault(hub: Hub) -> None:
    # requests sends the whole body before it reads the answer.
    response = requests.post(
        f"https://127.0.0.1:{hub.port}{RM_PATH}",
        data=b" " * (MAX_BODY * 4),
        headers={"SOAPAction": f'"{ACTION}"', "Content-Type": "text/xml"},
        cert=(str(hub.journal.certificate), str(hub.journal.key)),
        verify=str(hub.ca.cert_path),
        timeout=CLIENT_TIMEOUT,
    )

    assert response.status_code == 500
    assert "<faultcode>soap:Client</faultcode>" in response.text


def test_chunk_larger_than_the_cap_gets_client_fault(hub: Hub) -> None:
    body = envelope()
    answer = hub.exchange(request_head(chunked=True), b"%x\r\n" % (MAX_BODY * 2) + body)

    code, text = fault_of(answer)
    assert code == "soap:Client"
    assert f"exceeds {MAX_BODY}" in text


BODY = envelope()
BROKEN_CHUNKS = {
    "chunk size not hexadecimal": b"zz\r\n" + BODY + b"\r\n0\r\n\r\n",
    "chunk not ended by CRLF": b"%x\r\n" % len(BODY) + BODY + b"XX0\r\n\r\n",
}


@pytest.mark.parametrize("body", BROKEN_CHUNKS.values(), ids=list(BROKEN_CHUNKS))
def test_malformed_chunked_coding_gets_client_fault(hub: Hub, body: bytes) -> None:
    code, text = fault_of(hub.exchange(request_head(chunked=True), body))

    assert code == "soap:Client"
    assert "chunked" in text


def test_negative_content_length_gets_client_fault(hub: Hub) -> None:
    # The server's socket timeout outlasts the client's: waiting is a failure.
    answer = hub.exchange(request_head(length="-1"), envelope())

    code, text = fault_of(answer)
    assert code == "soap:Client"
    assert "Content-Length" in text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_method_other_than_post_gets_client_fault(hub: Hub, method: str) -> None:
    body = envelope()
    answer = hub.exchange(request_head(length=str(len(body)), method=method), body)

    code, text = fault_of(answer)
    assert code == "soap:Client"
    assert "POST" in text


def test_hub_answers_a_lookup_after_an_over_cap_body(hub: Hub) -> None:
    hub.exchange(request_head(length=str(MAX_BODY * 100)), b" " * 1000)
    body = envelope()

    answer = hub.exchange(request_head(length=str(len(body))), body)

    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b"<lr:resident>" in answer or b":resident>" in answer
