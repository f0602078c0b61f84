"""From registration to the citizen's question "who looked at me?", over mTLS.

An administrator registers a journal system with ``regionnav consumers``; it
looks people up over mutual TLS; a citizen's access report and the chain check
come from ``regionnav audit``; a stranger, a withdrawn right and a revoked
certificate are each refused, and the refusals leave their trace.
"""

from __future__ import annotations

import http.client
import json
import ssl

import pytest
import requests
from zeep.exceptions import Fault

from certs.revocation import revoke
from tests.journeys.trust.conftest import JOURNAL, PLATFORM, STRANGER, Hub

ORDINARY = "197611042396"
SEKRETESS = "198605302390"
NOT_IN_MIRROR = "201801012392"
ORIGINAL = "x-rivta-original-serviceconsumer-hsaid"


def register_journal(hub: Hub) -> None:
    result = hub.regionnav(
        f"consumers add {JOURNAL} --name Journal --contract residentmaster "
        "--address '*' --profile 4"
    )
    assert result.exit_code == 0, result.output


def accesses(hub: Hub, person_id: str) -> list[dict[str, str]]:
    """The person's accesses, read from ``regionnav audit export``."""
    result = hub.regionnav("audit export")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return [line for line in lines if line["person_id"] == person_id]


def test_registered_consumer_is_answered_and_every_access_is_recorded(hub: Hub) -> None:
    register_journal(hub)

    answer = hub.lookup(JOURNAL, [ORDINARY, SEKRETESS, NOT_IN_MIRROR])

    assert [r.Personpost.PersonId for r in answer.resident] == [ORDINARY, SEKRETESS]
    results = {pid: [a["result"] for a in accesses(hub, pid)] for pid in
               (ORDINARY, SEKRETESS, NOT_IN_MIRROR)}  # fmt: skip
    assert results == {
        ORDINARY: ["found"],
        SEKRETESS: ["masked"],
        NOT_IN_MIRROR: ["not_found"],
    }


def test_citizen_report_names_the_consumer_and_the_chain_verifies(hub: Hub) -> None:
    register_journal(hub)
    hub.lookup(JOURNAL, [SEKRETESS])

    report = hub.regionnav(f"audit person {SEKRETESS}")
    check = hub.regionnav("audit verify")

    assert JOURNAL in report.stdout and "masked" in report.stdout
    assert check.exit_code == 0 and "intact: 1 records" in check.stdout


def test_unregistered_certificate_is_not_authorised_and_the_refusal_recorded(
    hub: Hub,
) -> None:
    with pytest.raises(Fault, match="not authorised"):
        hub.lookup(STRANGER, [ORDINARY])

    [refusal] = accesses(hub, "-")
    assert (refusal["consumer_id"], refusal["result"]) == (STRANGER, "refused")
    assert accesses(hub, ORDINARY) == []


def test_withdrawn_right_is_refused_at_the_next_call(hub: Hub) -> None:
    register_journal(hub)
    hub.lookup(JOURNAL, [ORDINARY])

    assert (
        hub.regionnav(f"consumers revoke {JOURNAL} --contract residentmaster").exit_code
        == 0
    )

    with pytest.raises(Fault, match="not authorised"):
        hub.lookup(JOURNAL, [ORDINARY])


def test_revoked_certificate_is_refused_at_the_handshake(hub: Hub) -> None:
    register_journal(hub)
    hub.lookup(JOURNAL, [ORDINARY])

    revoke(hub.ca, hub.certificates[JOURNAL].serial)

    with pytest.raises(requests.exceptions.ConnectionError):
        hub.lookup(JOURNAL, [ORDINARY])


def test_platform_call_is_recorded_for_the_consumer_it_acts_for(hub: Hub) -> None:
    register_journal(hub)

    hub.lookup(PLATFORM, [ORDINARY], headers={ORIGINAL: JOURNAL})

    [access] = accesses(hub, ORDINARY)
    assert (access["consumer_id"], access["result"]) == (JOURNAL, "found")


def test_consumer_cannot_claim_another_identity_without_a_platform_certificate(
    hub: Hub,
) -> None:
    register_journal(hub)

    with pytest.raises(Fault, match="not authorised"):
        hub.lookup(STRANGER, [ORDINARY], headers={ORIGINAL: JOURNAL})


def test_client_without_certificate_never_reaches_the_services(hub: Hub) -> None:
    context = ssl.create_default_context(cafile=hub.ca.cert_path)
    port = int(hub.url.rsplit(":", 1)[1])
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context)

    with pytest.raises((ssl.SSLError, ConnectionError, http.client.RemoteDisconnected)):
        connection.request("POST", "/", body=b"")
        connection.getresponse()
    connection.close()

    assert hub.regionnav("audit verify").stdout.startswith("audit trail intact: 0")
