"""Logging set-up and the per-request correlation id.

Modules log through ``logging.getLogger(__name__)`` with lazy ``%s`` arguments;
only the entry points call :func:`setup`. The correlation id is a context
variable set once per request; a filter puts it on every record, so each line
of one request can be found together. Log records never carry personnummer,
names or addresses: the audit trail is the only place that names persons.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import uuid
from typing import TextIO

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "correlation_id", default="-"
)

FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"


class CorrelationFilter(logging.Filter):
    """Adds ``correlation_id`` to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.correlation_id = correlation_id.get()
        return True


def new_correlation_id() -> str:
    """Start a new correlation scope for the current context and return its id."""
    value = uuid.uuid4().hex
    correlation_id.set(value)
    return value


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes.

    A handler holding the stream of set-up time would write to a closed file
    once that stream is swapped back (a test runner invoking the command line
    while the hub's threads log in the same process).
    """

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup(level: str | int = "WARNING") -> None:
    """Send log records to stderr; called by the command line only."""
    handler = _Stderr()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(CorrelationFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def show_sql(on: bool) -> None:
    """Log every SQL statement at INFO (``store.echo``), or stop doing so.

    Through SQLAlchemy's logger rather than its ``echo`` flag, which would
    print to stdout, where commands write their output. The engines are made
    with ``hide_parameters``: a logged statement shows no bound values.
    """
    level = logging.INFO if on else logging.NOTSET
    logging.getLogger("sqlalchemy.engine").setLevel(level)
