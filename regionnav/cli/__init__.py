"""The ``regionnav`` command line: a thin layer over plain functions.

Each sub-module adds its commands to :data:`app`. Every command prints its
result on stdout, logs on stderr, and on failure exits non-zero with one line
that says why.
"""

from __future__ import annotations

from regionnav.cli.common import app, fail
from regionnav.errors import RegionnavError

# Importing a module registers its commands on ``app``.
from regionnav.cli import store as _store  # noqa: F401  isort: skip
from regionnav.cli import mirror as _mirror  # noqa: F401  isort: skip
from regionnav.cli import bench as _bench  # noqa: F401  isort: skip
from regionnav.cli import certs as _certs  # noqa: F401  isort: skip
from regionnav.cli import navet as _navet  # noqa: F401  isort: skip
from regionnav.cli import serve as _serve  # noqa: F401  isort: skip
from regionnav.cli import lookup as _lookup  # noqa: F401  isort: skip
from regionnav.cli import consumers as _consumers  # noqa: F401  isort: skip
from regionnav.cli import audit as _audit  # noqa: F401  isort: skip


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except RegionnavError as exc:
        fail(str(exc))
    except OSError as exc:
        # The system refused something the command needed: a file to write,
        # an address to listen on. Its message names what; no traceback.
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted", code=130)
