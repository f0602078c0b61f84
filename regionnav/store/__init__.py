"""The store: SQLAlchemy tables, the engine, and migrations."""

from regionnav.store.engine import is_sqlite, open_engine, ping
from regionnav.store.migrate import open_store, upgrade

__all__ = ["is_sqlite", "open_engine", "open_store", "ping", "upgrade"]
