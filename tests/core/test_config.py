from pathlib import Path

import pytest

from regionnav import config
from regionnav.errors import ConfigError


def test_no_file_and_no_environment_gives_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = config.load(environ={})
    assert cfg.store.database_url.startswith("sqlite:///")


def test_named_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        config.load(tmp_path / "absent.toml", environ={})


def test_a_broken_file_is_named_as_a_file_not_as_a_key(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[server\n")
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path / "broken.toml", environ={})
    assert str(caught.value).startswith("configuration file '")
    assert "not valid TOML" in str(caught.value)


def test_database_url_is_overridden_by_environment(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text('[store]\nurl = "sqlite:///a.db"\n')
    url = "postgresql+psycopg://u@h/db"
    cfg = config.load(tmp_path / "r.toml", environ={"REGIONNAV_DATABASE_URL": url})
    assert cfg.store.database_url == url


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[store]\nurll = 'x'\n", "store.urll"),
        ("[server]\nport = 'high'\n", "server.port"),
        ("[server]\ntls = 3\n", "server.tls"),
        ("[hub]\nlogical_addresses = 'one'\n", "hub.logical_addresses"),
        ("[nonsense]\n", "nonsense"),
    ],
)
def test_bad_key_is_named_in_the_error(tmp_path: Path, text: str, key: str) -> None:
    (tmp_path / "r.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        config.load(tmp_path / "r.toml", environ={})
    assert caught.value.key == key


def test_environment_value_of_wrong_type_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"server\.port"):
        config.load(environ={"REGIONNAV_SERVER_PORT": "x"})


def test_secret_does_not_show_in_repr() -> None:
    secret = config.Secret("hunter2")
    assert "hunter2" not in repr(secret)
    assert secret.reveal() == "hunter2"


def test_default_paths_are_relative_to_the_configuration_file(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "r.toml").write_text("[hub]\nlan = '25'\n")
    cfg = config.load(folder / "r.toml", environ={})

    assert cfg.certs.ca_dir == folder / "var" / "ca"
    assert cfg.store.database_url == f"sqlite:///{folder / 'var' / 'regionnav.db'}"


def test_misspelt_environment_override_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="REGIONNAV_SERVER_THREAD'"):
        config.load(environ={"REGIONNAV_SERVER_THREAD": "4"})


def test_variables_outside_the_sections_are_not_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = config.load(
        environ={"REGIONNAV_TEST_POSTGRES_URL": "postgresql://x", "REGIONNAV_X": "1"}
    )

    assert cfg.server.threads == config.ServerConfig().threads
