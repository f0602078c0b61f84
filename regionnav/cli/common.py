"""What every command shares: the app, the configuration, one-line failures."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from regionnav import config as config_module
from regionnav import logs

app = typer.Typer(
    name="regionnav",
    help="Regional hub for Swedish population-register data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

_state: dict[str, config_module.Config] = {}
_paths: dict[str, Path | None] = {}


@app.callback()
def _root(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="TOML configuration file."),
    ] = None,
    log_level: Annotated[
        str, typer.Option("--log-level", help="DEBUG, INFO, WARNING or ERROR.")
    ] = "WARNING",
) -> None:
    if log_level.upper() not in LOG_LEVELS:
        fail(f"--log-level must be one of {', '.join(LOG_LEVELS)}", code=2)
    logs.setup(log_level.upper())
    # Loaded (and checked) by each command's first call to current_config():
    # ``init`` must be able to name a file that it is about to write.
    _paths["config"] = config
    _state.clear()


def config_path() -> Path:
    """The configuration file the command line was pointed at, or the default."""
    named = _paths.get("config") or os.environ.get(config_module.ENV_FILE)
    return Path(named or config_module.DEFAULT_FILE)


def current_config() -> config_module.Config:
    """The configuration loaded by the root callback (defaults outside the CLI)."""
    if "config" not in _state:
        _state["config"] = config_module.load(_paths.get("config"))
        logs.show_sql(_state["config"].store.echo)
    return _state["config"]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` on one line on stderr and exit with ``code``."""
    first_line = message.strip().splitlines()[0] if message.strip() else "failed"
    print(f"regionnav: error: {first_line}", file=sys.stderr)
    sys.exit(code)
