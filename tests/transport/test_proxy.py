"""Certificates in headers: believed from a configured proxy, from no one else."""

from __future__ import annotations

import base64
import urllib.parse

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from tests.transport.conftest import (
    CLIENT_ID,
    PLATFORM_ID,
    Pki,
    call,
    client_context,
    config,
    pem_of,
    running,
)

FORWARDED = "X-Forwarded-Tls-Client-Cert"
VP_AUTH = "x-vp-auth-cert"
ORIGINAL = "x-rivta-original-serviceconsumer-hsaid"


def _der_base64(pki: Pki, who: str = "client") -> str:
    der = getattr(pki, who).certificate_object.public_bytes(Encoding.DER)
    return base64.b64encode(der).decode()


def test_forged_header_from_a_non_proxy_changes_nothing_and_is_logged(
    pki: Pki, caplog: pytest.LogCaptureFixture
) -> None:
    # A client with its own valid certificate claims to be the platform.
    forged = {FORWARDED: _der_base64(pki, "platform")}

    with running(config(pki, trusted_proxies=("10.0.0.0/8",))) as port:
        _, body = call(port, client_context(pki, pki.client), forged)

    assert body == f"{CLIENT_ID}|-"
    [warning] = [r for r in caplog.records if "not a trusted proxy" in r.getMessage()]
    assert "x-forwarded-tls-client-cert" in warning.getMessage()


def test_header_over_plain_http_from_a_non_proxy_leaves_the_caller_unknown(
    pki: Pki,
) -> None:
    with running(config(pki, tls=False)) as port:
        _, body = call(port, None, {VP_AUTH: _der_base64(pki)})

    assert body == "-|-"


@pytest.mark.parametrize(
    ("header", "form"),
    [
        (FORWARDED, "der-base64"),
        (FORWARDED, "der-base64-chain"),
        (VP_AUTH, "pem-url-escaped"),
        (VP_AUTH, "pem-spaces"),
    ],
)
def test_header_from_a_configured_proxy_names_the_caller(
    pki: Pki, header: str, form: str
) -> None:
    pem = pem_of(pki.client)
    values = {
        "der-base64": _der_base64(pki),
        "der-base64-chain": f"{_der_base64(pki)},{_der_base64(pki, 'platform')}",
        "pem-url-escaped": urllib.parse.quote(pem, safe=""),
        "pem-spaces": pem.replace("\n", " ").strip(),
    }

    with running(config(pki, tls=False, trusted_proxies=("127.0.0.1",))) as port:
        _, body = call(port, None, {header: values[form]})

    assert body == f"{CLIENT_ID}|-"


@pytest.mark.parametrize("who", ["foreign", "revoked", "expired", "server"])
def test_proxy_cannot_pass_a_certificate_tls_would_refuse(
    pki: Pki, who: str, caplog: pytest.LogCaptureFixture
) -> None:
    with running(config(pki, tls=False, trusted_proxies=("127.0.0.0/8",))) as port:
        _, body = call(port, None, {FORWARDED: _der_base64(pki, who)})

    assert body == "-|-"
    assert any("from proxy" in r.getMessage() for r in caplog.records)


def test_two_different_certificates_from_a_proxy_are_refused(pki: Pki) -> None:
    both = {FORWARDED: _der_base64(pki), VP_AUTH: _der_base64(pki, "platform")}

    with running(config(pki, tls=False, trusted_proxies=("127.0.0.1",))) as port:
        _, body = call(port, None, both)

    assert body == "-|-"


def test_original_consumer_is_honoured_from_a_platform_certificate(pki: Pki) -> None:
    cfg = config(pki, platform_certificates=(PLATFORM_ID,))

    with running(cfg) as port:
        _, body = call(port, client_context(pki, pki.platform), {ORIGINAL: CLIENT_ID})

    assert body == f"{CLIENT_ID}|{PLATFORM_ID}"


def test_original_consumer_is_ignored_from_an_ordinary_certificate(pki: Pki) -> None:
    cfg = config(pki, platform_certificates=(PLATFORM_ID,))

    with running(cfg) as port:
        _, body = call(port, client_context(pki, pki.client), {ORIGINAL: "SE-OTHER"})

    assert body == f"{CLIENT_ID}|-"


def test_malformed_original_consumer_from_a_platform_leaves_the_caller_unknown(
    pki: Pki,
) -> None:
    cfg = config(pki, platform_certificates=(PLATFORM_ID,))

    with running(cfg) as port:
        _, body = call(port, client_context(pki, pki.platform), {ORIGINAL: "a b;c"})

    assert body == f"-|{PLATFORM_ID}"


def test_platform_behind_a_proxy_may_name_the_original_consumer(pki: Pki) -> None:
    cfg = config(
        pki,
        tls=False,
        trusted_proxies=("127.0.0.1",),
        platform_certificates=(PLATFORM_ID,),
    )
    headers = {FORWARDED: _der_base64(pki, "platform"), ORIGINAL: CLIENT_ID}

    with running(cfg) as port:
        _, body = call(port, None, headers)

    assert body == f"{CLIENT_ID}|{PLATFORM_ID}"
