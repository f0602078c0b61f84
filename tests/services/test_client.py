"""The command-line client's choice of WSDL."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionnav.errors import ConfigError
from services import client


@pytest.mark.parametrize("contract", sorted(client.TARGETS))
def test_client_falls_back_to_the_own_wsdl_without_the_official_files(
    contract: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-official-contracts"
    monkeypatch.setattr(client, "OFFICIAL", missing)

    service, _ = client.connect(
        contract, "https://localhost:9", client.Credentials(), contracts_dir=missing
    )

    assert service._binding_options["address"].endswith(client.TARGETS[contract].path)


def test_client_refuses_a_named_folder_without_the_wsdl(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^WSDL .*: not found"):
        client.connect("persons", "https://localhost:9", client.Credentials(), tmp_path)
