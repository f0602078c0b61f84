"""read_request: what a GetPersonsForProfile request must hold, checked strictly.

``ignoreReferredIdentity`` is an ``xs:boolean``: the four literals, with
surrounding blanks collapsed. Spyne's own Boolean read ``maybe`` and
`` true `` as false, so a consumer's mistake (or ``true`` with blanks) was
silently answered as "follow number changes".
"""

from __future__ import annotations

import pytest

from regionnav.errors import RequestError
from services.persons.contract import V3, V5, Version
from services.persons.request import read_request, request_model

# Skatteverket's public test personnummer (shared/testdata), nobody real.
PERSON = "197611042396"
OID = "1.2.752.129.2.1.3.1"


def request(version: Version, ignore: str | None) -> object:
    model = request_model(version)
    identity = model._type_info["personId"]
    return model(
        personId=[identity(root=OID, extension=PERSON)],
        profile="P1",
        ignoreReferredIdentity=ignore,
    )


BOOLEANS = {"true": True, "1": True, "false": False, "0": False, " true ": True}


@pytest.mark.parametrize("version", [V5, V3], ids=["5.0", "3.1"])
@pytest.mark.parametrize(("text", "value"), BOOLEANS.items(), ids=list(BOOLEANS))
def test_ignore_referred_identity_reads_each_boolean_literal(
    version: Version, text: str, value: bool
) -> None:
    assert read_request(request(version, text)).ignore_referred is value


@pytest.mark.parametrize("text", ["maybe", "TRUE", "yes", "", "2", None])
def test_ignore_referred_identity_that_is_no_boolean_is_a_client_error(
    text: str | None,
) -> None:
    with pytest.raises(RequestError, match="ignoreReferredIdentity"):
        read_request(request(V5, text))
