"""Numbers the server cannot work with are refused when the configuration loads.

A port outside 0-65535 failed at bind time with a traceback; no worker
threads made a server that accepted connections and never answered; a body
cap of 0 or less made one that refused every request.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from regionnav.config import load
from regionnav.errors import ConfigError

OUT_OF_RANGE = {
    "port above 65535": ("port", 70000),
    "negative port": ("port", -1),
    "no worker threads": ("threads", 0),
    "body cap of 0": ("max_body_bytes", 0),
    "negative body cap": ("max_body_bytes", -5),
}


@pytest.mark.parametrize(
    ("key", "value"), OUT_OF_RANGE.values(), ids=list(OUT_OF_RANGE)
)
def test_number_out_of_range_in_the_file_is_named(
    tmp_path: Path, key: str, value: int
) -> None:
    path = tmp_path / "regionnav.toml"
    path.write_text(f"[server]\n{key} = {value}\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=f"server.{key}"):
        load(path, environ={})


@pytest.mark.parametrize(
    ("key", "value"), OUT_OF_RANGE.values(), ids=list(OUT_OF_RANGE)
)
def test_number_out_of_range_in_the_environment_is_named(
    tmp_path: Path, key: str, value: int
) -> None:
    path = tmp_path / "regionnav.toml"
    path.write_text("", encoding="utf-8")
    variable = f"REGIONNAV_SERVER_{key.upper()}"

    with pytest.raises(ConfigError, match=f"server.{key}"):
        load(path, environ={variable: str(value)})


def test_configuration_path_that_is_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load(tmp_path, environ={})
