"""Mutual TLS on a real cheroot server: who gets in, and who is refused (and logged)."""

from __future__ import annotations

import http.client
import ssl
import warnings

import pytest

from certs.issue import IssuedFiles
from certs.revocation import revoke
from regionnav.errors import ConfigError
from regionnav.transport import build_server
from tests.transport.conftest import (
    CLIENT_ID,
    Pki,
    call,
    client_context,
    config,
    echo,
    running,
)

REFUSED = (ssl.SSLError, ConnectionError, http.client.RemoteDisconnected)


def test_valid_client_is_served_and_its_hsa_id_reaches_the_app(pki: Pki) -> None:
    with running(config(pki)) as port:
        status, body = call(port, client_context(pki, pki.client))

    assert (status, body) == (200, f"{CLIENT_ID}|-")


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("nobody", "certificate"),
        ("foreign", "unable to get local issuer certificate"),
        ("revoked", "certificate revoked"),
        ("expired", "certificate has expired"),
    ],
)
def test_client_without_a_valid_certificate_is_refused_at_the_handshake(
    pki: Pki, who: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    client: IssuedFiles | None = None if who == "nobody" else getattr(pki, who)

    with running(config(pki)) as port, pytest.raises(REFUSED):
        call(port, client_context(pki, client))

    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert any(reason in message.lower() for message in refusals), refusals


def test_tls_1_1_client_is_refused(pki: Pki, caplog: pytest.LogCaptureFixture) -> None:
    context = client_context(pki, pki.client)
    with warnings.catch_warnings():
        # Python deprecates the old versions this client is made to speak.
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")

    with running(config(pki)) as port, pytest.raises(ssl.SSLError) as raised:
        call(port, context)

    assert "PROTOCOL_VERSION" in str(raised.value).upper()  # the server's alert
    assert any("UNSUPPORTED_PROTOCOL" in r.getMessage() for r in caplog.records)


def test_revocation_takes_effect_on_the_next_connection(own_pki: Pki) -> None:
    with running(config(own_pki)) as port:
        first, _ = call(port, client_context(own_pki, own_pki.client))
        revoke(own_pki.ca, own_pki.client.serial)

        with pytest.raises(REFUSED):
            call(port, client_context(own_pki, own_pki.client))

    assert first == 200


@pytest.mark.parametrize("missing", ["certfile", "client_ca", "crl"])
def test_tls_without_its_files_does_not_start(pki: Pki, missing: str) -> None:
    with pytest.raises(ConfigError, match=f"server.{missing}"):
        build_server(config(pki, **{missing: None}), echo)


def test_plain_http_is_not_answered_on_the_tls_port(pki: Pki) -> None:
    with running(config(pki)) as port, pytest.raises(REFUSED):
        call(port, None)
