"""Opening the store: SQLite in WAL mode by default, PostgreSQL in production.

The audit trail lives in a schema of its own, ``audit``. On PostgreSQL that is
a schema of the store's database. On SQLite it is a second file beside the
store (:func:`audit_file`), attached to every connection under that name, for
two reasons. SQLite has one writer per file: in the store's file, every
lookup's audit append would wait for an import's transaction, seconds for a
grunduttag, and fail after the busy timeout. And a commit empties the page
cache of every other connection to the file: each append of one serving
process would make the others read the mirror from the disk again.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from regionnav.errors import StoreError

logger = logging.getLogger(__name__)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-65536",
    "PRAGMA temp_store=MEMORY",
)
# The pragmas that hold per database file, and so are given for the audit
# trail's file as well.
_PER_FILE = ("PRAGMA journal_mode", "PRAGMA synchronous", "PRAGMA cache_size")
# The schema of the audit trail; on SQLite, what its file is attached as.
AUDIT_SCHEMA = "audit"
CHECKPOINT_SECONDS = 0.5
WRITER_CHECKPOINT_PAGES = 10_000


def open_engine(url: str, pool_size: int = 20) -> Engine:
    """Create the engine for ``url``; creates the SQLite file's directory.

    Statements are logged (``store.echo``, :func:`regionnav.logs.show_sql`)
    and errors worded without their bound values, which may be person ids.

    Raises :class:`StoreError` for an unusable URL.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {exc}") from exc

    if parsed.get_backend_name() == "sqlite":
        return _open_sqlite(url, parsed.database, pool_size)
    try:
        return create_engine(
            url,
            hide_parameters=True,
            pool_size=pool_size,
            max_overflow=10,
            pool_pre_ping=True,
            pool_use_lifo=True,
        )
    except (ArgumentError, ImportError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot open the database: {exc}") from exc


def _open_sqlite(url: str, database: str | None, pool_size: int) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        # A file database gets a pool like PostgreSQL's, one connection per
        # server thread; :memory: keeps SQLAlchemy's single-connection pool.
        # Last in, first out: the few connections a server keeps busy are
        # reused with their page caches warm (each SQLite connection has its
        # own), instead of rotating through every connection ever opened.
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"check_same_thread": False},
            pool_size=pool_size,
            max_overflow=10,
            pool_use_lifo=True,
        )
    else:
        engine = create_engine(
            url, hide_parameters=True, connect_args={"check_same_thread": False}
        )

    audit = audit_file(database)

    # pysqlite opens transactions implicitly and late, which breaks SAVEPOINT
    # and lets a reader see two snapshots. Take over BEGIN ourselves (the
    # recipe from SQLAlchemy's SQLite dialect documentation).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"ATTACH DATABASE ? AS {AUDIT_SCHEMA}", (audit,))
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
            if pragma.startswith(_PER_FILE):
                cursor.execute(pragma.replace("PRAGMA ", f"PRAGMA {AUDIT_SCHEMA}."))
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def audit_file(database: str | None) -> str:
    """The SQLite file of the audit trail for the store file ``database``.

    ``regionnav.db`` has its trail in ``regionnav-audit.db`` beside it; an
    in-memory store has an in-memory trail.
    """
    if not database or database == ":memory:":
        return ":memory:"
    path = Path(database)
    return str(path.with_name(f"{path.stem}-audit{path.suffix}"))


def checkpoint_in_background(
    engine: Engine, interval: float = CHECKPOINT_SECONDS
) -> None:
    """Move most of SQLite's WAL checkpointing off the committing threads.

    SQLite checkpoints in the connection whose commit fills the WAL past 1000
    pages: that commit copies the pages into the database and waits for two
    fsyncs, 5-15 ms, while the requests queued behind its lock wait too. For a
    server whose requests each commit (the audit trail) that is several slow
    requests in every few hundred. Here a daemon thread checkpoints every
    ``interval`` seconds (``PASSIVE``: it never blocks readers or writers),
    and connections opened from now on checkpoint themselves only past
    :data:`WRITER_CHECKPOINT_PAGES`, when little is left to copy. That rare
    writer's checkpoint is still needed: only a checkpoint that no commit
    overtakes lets SQLite restart the WAL, which otherwise grows without end.

    Connections opened before are closed. ``engine.dispose()`` (or the
    engine's end) stops the thread and gives later connections SQLite's own
    checkpoints back. A no-op for anything but a SQLite file, and while one
    runs for the engine.
    """
    database = engine.url.database
    if not is_sqlite(engine) or not database or database == ":memory:":
        return
    with _CHECKPOINTERS_LOCK:
        if engine not in _CHECKPOINTERS:
            _CHECKPOINTERS[engine] = _Checkpointer(engine, Path(database), interval)


class _Checkpointer:
    """The thread that checkpoints one engine's SQLite WAL."""

    def __init__(self, engine: Engine, database: Path, interval: float) -> None:
        # URIs that never create a file: the thread may outlive the
        # database's directory for up to one interval. The store's file and
        # the audit trail's each have a WAL of their own.
        files = (database, Path(audit_file(str(database))))
        self._uris = [path.resolve().as_uri() + "?mode=rw" for path in files]
        self._stopping = threading.Event()
        engine.dispose()
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "engine_disposed", self._stop)
        # Weak, so that neither the thread nor this object keeps it alive.
        weakref.finalize(engine, self._stopping.set)
        threading.Thread(
            target=self._run, args=(interval,), name="sqlite-checkpoint", daemon=True
        ).start()

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        if not self._stopping.is_set():
            dbapi_connection.execute(
                f"PRAGMA wal_autocheckpoint={WRITER_CHECKPOINT_PAGES}"
            )

    def _stop(self, engine: Engine) -> None:
        # The listeners stay (SQLAlchemy cannot remove them from inside an
        # event) and do nothing from now on.
        self._stopping.set()
        with _CHECKPOINTERS_LOCK:
            if _CHECKPOINTERS.get(engine) is self:
                del _CHECKPOINTERS[engine]

    def _run(self, interval: float) -> None:
        while not self._stopping.wait(interval):
            for uri in self._uris:
                try:
                    connection = sqlite3.connect(uri, uri=True, timeout=1.0)
                    try:
                        connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    finally:
                        connection.close()
                except sqlite3.Error as exc:
                    # The next round tries again; until then the WAL grows.
                    logger.warning("SQLite checkpoint failed: %s", type(exc).__name__)


_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, _Checkpointer] = (
    weakref.WeakKeyDictionary()
)
_CHECKPOINTERS_LOCK = threading.RLock()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def is_sqlite_file(engine: Engine) -> bool:
    """A SQLite database in a file (not one in memory, which is per connection)."""
    return is_sqlite(engine) and engine.url.database not in (None, "", ":memory:")


def ping(engine: Engine) -> None:
    """Touch the database; raises :class:`StoreError` when it does not answer."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise StoreError(f"the store does not answer: {type(exc).__name__}") from exc
