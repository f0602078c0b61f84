"""Driver-level bulk writes for the importer's hot path.

SQLAlchemy's per-row parameter processing costs more than the database itself
when a delivery brings hundreds of thousands of posts, so the importer writes
rows as plain tuples through the DBAPI cursor of its own connection (same
transaction, same atomicity). PostgreSQL gets ``COPY`` for the version rows.
The column lists below must match ``models.py``; the mirror tests read every
column back on both backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

VERSION_COLUMNS = (
    "id", "person_id", "changed_at", "valid_from", "delivery_id", "imported_at",
    "digest", "post_xml",
)  # fmt: skip
PERSON_COLUMNS = (
    "person_id", "id_kind", "version_id", "valid_from", "digest",
    "sekretessmarkering", "skyddad_folkbokforing", "avregistreringskod",
    "avregistreringsdatum", "lan_kod", "kommun_kod", "folkbokforingsdatum",
)  # fmt: skip
LINK_COLUMNS = ("old_id", "new_id", "reason", "delivery_id")


class BulkWriter:
    """Writes mirror rows given as tuples in the column orders above."""

    def __init__(self, connection: Connection) -> None:
        self._postgres = connection.dialect.name == "postgresql"
        self._dbapi: Any = connection.connection
        mark = "%s" if self._postgres else "?"
        self._upsert_person = _upsert_sql(
            "persons", PERSON_COLUMNS, ("person_id",), mark, _replace_all
        )
        self._upsert_link = _upsert_sql(
            "identity_links", LINK_COLUMNS, ("old_id", "new_id"), mark, _keep_reason
        )
        self._insert_version = (
            # Names are this module's constants; values go as parameters.
            f"INSERT INTO person_versions ({', '.join(VERSION_COLUMNS)}) "  # noqa: S608
            f"VALUES ({', '.join([mark] * len(VERSION_COLUMNS))})"
        )

    def timestamp(self, moment: datetime) -> Any:
        """A timezone-aware UTC time as each driver stores it for the models."""
        if self._postgres:
            return moment
        # SQLAlchemy's SQLite DateTime storage format, naive UTC.
        return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")

    def flag(self, value: bool) -> Any:
        return value if self._postgres else int(value)

    def versions(self, rows: Sequence[tuple[Any, ...]]) -> None:
        cursor = self._dbapi.cursor()
        if self._postgres:
            copy_sql = f"COPY person_versions ({', '.join(VERSION_COLUMNS)}) FROM STDIN"
            with cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(self._insert_version, rows)
        cursor.close()

    def persons(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._many(self._upsert_person, rows)

    def links(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._many(self._upsert_link, rows)

    def _many(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
        cursor = self._dbapi.cursor()
        cursor.executemany(sql, rows)
        cursor.close()


def _replace_all(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)


def _keep_reason(table: str, columns: Sequence[str], keys: Sequence[str]) -> str:
    # A GN/GS reason learnt from either record of the pair is never lost.
    return f"reason = COALESCE(excluded.reason, {table}.reason)"


def _upsert_sql(
    table: str, columns: Sequence[str], keys: Sequence[str], mark: str, update: Any
) -> str:
    return (
        # Names are this module's constants; values go as parameters.
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join([mark] * len(columns))}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {update(table, columns, keys)}"
    )
