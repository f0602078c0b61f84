"""Policy.disclose: the one protected-identity rule, for both flags and both grants."""

from __future__ import annotations

import pytest

from regionnav.policy import Disclosure, Grant, Policy
from tests.policy.helpers import HUB_ADDRESS, person

UNPRIVILEGED = Grant("SE2321000230-JOUR", "persons", HUB_ADDRESS, 5, unmasked=False)
PRIVILEGED = Grant("SE2321000230-FULL", "persons", HUB_ADDRESS, 5, unmasked=True)


@pytest.mark.parametrize(
    ("sekretess", "skyddad", "grant", "expected"),
    [
        (False, False, UNPRIVILEGED, Disclosure.FULL),
        (False, False, PRIVILEGED, Disclosure.FULL),
        (True, False, UNPRIVILEGED, Disclosure.MASKED),
        (True, False, PRIVILEGED, Disclosure.UNMASKED),
        (False, True, UNPRIVILEGED, Disclosure.MASKED),
        (False, True, PRIVILEGED, Disclosure.UNMASKED),
        (True, True, UNPRIVILEGED, Disclosure.MASKED),
        (True, True, PRIVILEGED, Disclosure.UNMASKED),
    ],
)
def test_protected_person_is_masked_unless_the_grant_holds_the_right(
    policy: Policy, sekretess: bool, skyddad: bool, grant: Grant, expected: Disclosure
) -> None:
    found = person("189001019802", sekretess=sekretess, skyddad=skyddad)

    assert policy.disclose(grant, found) is expected


@pytest.mark.parametrize(
    ("disclosure", "result"),
    [
        (Disclosure.FULL, "found"),
        (Disclosure.MASKED, "masked"),
        (Disclosure.UNMASKED, "unmasked"),
    ],
)
def test_disclosure_value_is_its_audit_result(
    disclosure: Disclosure, result: str
) -> None:
    assert disclosure.value == result
