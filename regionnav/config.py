"""Configuration: one TOML file, overridable by environment variables.

Every key has a safe default, so an empty file is a valid configuration for a
local trial. Each key ``section.name`` can be overridden by the environment
variable ``REGIONNAV_SECTION_NAME``; the database URL also by the shorter
``REGIONNAV_DATABASE_URL``. Keys are checked when the configuration is loaded:
an unknown key, a wrong type or a bad value raises :class:`ConfigError` naming
the key, so a mistake stops the program at start-up rather than at first use.

Relative paths are resolved against the directory of the configuration file.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regionnav.errors import ConfigError

DEFAULT_FILE = "regionnav.toml"
ENV_FILE = "REGIONNAV_CONFIG"
FILE = "configuration file"
ENV_PREFIX = "REGIONNAV_"
ENV_ALIASES = {"REGIONNAV_DATABASE_URL": ("store", "url")}


class Secret(str):
    """A string that never shows itself in ``repr``, logs or tracebacks."""

    def __repr__(self) -> str:
        return "Secret('********')"

    def reveal(self) -> str:
        return str.__str__(self)


@dataclass(frozen=True)
class StoreConfig:
    """Where the mirror lives. An empty ``url`` means SQLite in ``data_dir``."""

    url: str = ""
    data_dir: Path = Path("var")
    echo: bool = False

    @property
    def database_url(self) -> str:
        if self.url:
            return self.url
        return f"sqlite:///{self.data_dir / 'regionnav.db'}"


@dataclass(frozen=True)
class HubConfig:
    """Who this hub is on the national platform."""

    hsa_id: str = "SE2321000230-RNAV"
    lan: str = "25"
    logical_addresses: tuple[str, ...] = ()

    @property
    def answers_for(self) -> frozenset[str]:
        """The logical addresses this hub answers for itself."""
        return frozenset((self.hsa_id, self.lan, *self.logical_addresses))


@dataclass(frozen=True)
class ServerConfig:
    """The HTTPS listener and the trust it demands of callers."""

    host: str = "127.0.0.1"
    port: int = 8443
    threads: int = 16
    processes: int = 1
    tls: bool = True
    certfile: Path | None = None
    keyfile: Path | None = None
    client_ca: Path | None = None
    crl: Path | None = None
    max_body_bytes: int = 2_000_000
    trusted_proxies: tuple[str, ...] = ()
    platform_certificates: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditConfig:
    enabled: bool = True


@dataclass(frozen=True)
class CertsConfig:
    """The local certificate authority used for pilots and tests."""

    ca_dir: Path = Path("var/ca")
    key_password: Secret | None = None


@dataclass(frozen=True)
class Config:
    """The whole configuration, built once at start-up and passed explicitly."""

    store: StoreConfig = field(default_factory=StoreConfig)
    hub: HubConfig = field(default_factory=HubConfig)
    server: ServerConfig = field(default_factory=ServerConfig)
    audit: AuditConfig = field(default_factory=AuditConfig)
    certs: CertsConfig = field(default_factory=CertsConfig)
    source: Path | None = None


SECTIONS: dict[str, type[Any]] = {
    "store": StoreConfig,
    "hub": HubConfig,
    "server": ServerConfig,
    "audit": AuditConfig,
    "certs": CertsConfig,
}


def load(
    path: Path | None = None, environ: typing.Mapping[str, str] | None = None
) -> Config:
    """Read the configuration file and apply environment overrides.

    ``path`` defaults to ``$REGIONNAV_CONFIG`` or ``./regionnav.toml``; a missing
    default file means "all defaults", a missing named file is an error.
    Raises :class:`ConfigError` naming the offending key.
    """
    env = os.environ if environ is None else environ
    explicit = path is not None or ENV_FILE in env
    path = Path(path or env.get(ENV_FILE) or DEFAULT_FILE)

    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"not valid TOML: {exc}", FILE) from exc
        except OSError as exc:  # a directory, or no permission to read
            raise ConfigError(
                str(path), f"cannot be read: {exc.strerror}", FILE
            ) from exc
    elif explicit:
        raise ConfigError(str(path), "does not exist", FILE)

    _apply_environment(raw, env)
    base = path.resolve().parent
    sections = {
        name: _build_section(name, cls, raw.pop(name, {}), base)
        for name, cls in SECTIONS.items()
    }
    if raw:
        raise ConfigError(sorted(raw)[0], "unknown section")
    return Config(**sections, source=path if path.exists() else None)


def _apply_environment(raw: dict[str, Any], env: typing.Mapping[str, str]) -> None:
    known = {
        f"{ENV_PREFIX}{name}_{key.name}".upper(): (name, key.name)
        for name, cls in SECTIONS.items()
        for key in dataclasses.fields(cls)
    }
    known.update(ENV_ALIASES)
    for variable, (section, key) in known.items():
        if variable in env:
            raw.setdefault(section, {})[key] = _EnvValue(env[variable])

    # A misspelt override would otherwise be ignored without a word.
    sections = tuple(f"{ENV_PREFIX}{name}_".upper() for name in SECTIONS)
    for variable in sorted(env):
        if variable.startswith(sections) and variable not in known:
            raise ConfigError(variable, "no such setting", "environment variable")


class _EnvValue(str):
    """A value from the environment: text to be converted to the key's type."""


def _build_section(name: str, cls: type[Any], values: Any, base: Path) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(name, "must be a table")
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, value in values.items():
        if key not in hints:
            raise ConfigError(f"{name}.{key}", "unknown key")
        kwargs[key] = _convert(f"{name}.{key}", hints[key], value, base)
    # Default paths too are relative to the configuration file, not to the
    # directory a command happens to be run from.
    for field_ in dataclasses.fields(cls):
        default = field_.default
        if field_.name not in kwargs and isinstance(default, Path):
            kwargs[field_.name] = default if default.is_absolute() else base / default
    return cls(**kwargs)


def _convert(key: str, hint: Any, value: Any, base: Path) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value == "" or value is None:
            return None
        inner = next(a for a in args if a is not type(None))
        return _convert(key, inner, value, base)
    if hint is bool:
        return _to_bool(key, value)
    if hint is int:
        return _in_range(key, _to_int(key, value))
    if hint is Path:
        return _to_path(key, value, base)
    if hint is str or hint is Secret:
        if not isinstance(value, str):
            raise ConfigError(key, "must be a string")
        return hint(value)
    if origin is tuple:
        return _to_tuple(key, value)
    raise ConfigError(key, f"unsupported type {hint!r}")


def _to_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, _EnvValue) and value.lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, _EnvValue) and value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(key, "must be true or false")


def _to_int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ConfigError(key, "must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, _EnvValue) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ConfigError(key, "must be an integer")


# Outside these, the server would fail at bind time with a traceback, wait
# forever with no worker, or refuse every request (a cap of 0 or less).
INT_RANGES: dict[str, tuple[int, int]] = {
    "server.port": (0, 65535),
    "server.threads": (1, 1024),
    "server.processes": (1, 64),
    "server.max_body_bytes": (1, 2**31 - 1),
}


def _in_range(key: str, number: int) -> int:
    low, high = INT_RANGES.get(key, (-(2**63), 2**63 - 1))
    if not low <= number <= high:
        raise ConfigError(key, f"must be between {low} and {high}")
    return number


def _to_path(key: str, value: Any, base: Path) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(key, "must be a non-empty path")
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _to_tuple(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, _EnvValue):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(key, "must be a list of strings")
