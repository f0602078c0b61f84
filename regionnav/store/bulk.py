"""Driver-level bulk writes for the importer's hot path.

SQLAlchemy's per-row parameter processing costs more than the database itself
when a delivery brings hundreds of thousands of posts, so the importer writes
rows as plain tuples through the DBAPI cursor of its own connection (same
transaction, same atomicity): ``executemany`` on SQLite, where a statement
per row is cheap, and binary ``COPY`` on PostgreSQL, where it is not. Person
rows that replace earlier ones are copied into a temporary table and merged
from there in one statement; those of persons new to the store are copied
straight in.

The column lists below must match ``models.py``; the mirror tests read every
column back on both backends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

VERSION_COLUMNS = (
    "id", "person_id", "changed_at", "valid_from", "delivery_id", "imported_at",
    "digest", "post_xml", "dictionary_id",
)  # fmt: skip
PERSON_COLUMNS = (
    "person_id", "id_kind", "version_id", "valid_from", "digest",
    "sekretessmarkering", "skyddad_folkbokforing", "avregistreringskod",
    "avregistreringsdatum", "lan_kod", "kommun_kod", "folkbokforingsdatum",
)  # fmt: skip
LINK_COLUMNS = ("old_id", "new_id", "reason", "delivery_id")
# PostgreSQL types for binary COPY, in the column orders above.
VERSION_TYPES = (
    "int8", "varchar", "int8", "int8", "int4", "timestamptz", "bytea", "bytea", "int4",
)  # fmt: skip
PERSON_TYPES = (
    "varchar", "varchar", "int8", "int8", "bytea", "bool", "bool", "varchar",
    "varchar", "varchar", "varchar", "varchar",
)  # fmt: skip
STAGED_PERSONS = "regionnav_import_persons"

VersionRow = tuple[int, str, int | None, int, int, Any, bytes, bytes, int | None]
PersonRow = tuple[Any, ...]


class BulkWriter:
    """Writes mirror rows given as tuples in the column orders above."""

    def __init__(self, connection: Connection) -> None:
        self._postgres = connection.dialect.name == "postgresql"
        self._dbapi: Any = connection.connection
        mark = "%s" if self._postgres else "?"
        self._upsert_link = (
            _insert_sql("identity_links", LINK_COLUMNS, f"VALUES ({_marks(mark, 4)})")
            + " ON CONFLICT (old_id, new_id) DO UPDATE SET "
            # A GN/GS reason learnt from either record of the pair is never lost.
            + "reason = COALESCE(excluded.reason, identity_links.reason)"
        )
        self._insert_version = _insert_sql(
            "person_versions",
            VERSION_COLUMNS,
            f"VALUES ({_marks(mark, len(VERSION_COLUMNS))})",
        )
        self._insert_person = _insert_sql(
            "persons", PERSON_COLUMNS, f"VALUES ({_marks(mark, len(PERSON_COLUMNS))})"
        )
        self._upsert_person = self._insert_person + _replace_on_conflict()
        self._staged = False

    def timestamp(self, moment: datetime) -> Any:
        """A timezone-aware UTC time as each driver stores it for the models."""
        if self._postgres:
            return moment
        # SQLAlchemy's SQLite DateTime storage format, naive UTC.
        return moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")

    def versions(self, rows: Sequence[VersionRow]) -> None:
        insert = self._insert_version
        self._append("person_versions", VERSION_COLUMNS, VERSION_TYPES, insert, rows)

    def add_persons(self, rows: Sequence[PersonRow]) -> None:
        """Insert current records of persons the store does not hold."""
        self._append("persons", PERSON_COLUMNS, PERSON_TYPES, self._insert_person, rows)

    def _append(
        self,
        table: str,
        columns: Sequence[str],
        types: Sequence[str],
        insert: str,
        rows: Sequence[tuple[Any, ...]],
    ) -> None:
        """New rows for ``table``: PostgreSQL copies them, SQLite runs ``insert``."""
        if not rows:
            return
        cursor = self._dbapi.cursor()
        if self._postgres:
            _copy(cursor, table, columns, types, rows)
        else:
            cursor.executemany(insert, rows)
        cursor.close()

    def replace_persons(self, rows: Sequence[PersonRow]) -> None:
        """Insert or replace current records; ``rows`` name each person once."""
        if not rows:
            return
        cursor = self._dbapi.cursor()
        if self._postgres:
            if not self._staged:
                # Gone at the end of the import's transaction, whatever its end.
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {STAGED_PERSONS} "
                    "(LIKE persons) ON COMMIT DROP"
                )
                self._staged = True
            _copy(cursor, STAGED_PERSONS, PERSON_COLUMNS, PERSON_TYPES, rows)
            columns = ", ".join(PERSON_COLUMNS)
            cursor.execute(
                _insert_sql(
                    "persons", PERSON_COLUMNS, f"SELECT {columns} FROM {STAGED_PERSONS}"
                )
                + _replace_on_conflict()
            )
            cursor.execute(f"TRUNCATE {STAGED_PERSONS}")
        else:
            cursor.executemany(self._upsert_person, rows)
        cursor.close()

    def current(self, person_ids: Sequence[str]) -> dict[str, tuple[bytes, int]]:
        """``(digest, valid_from)`` of the current record of each known id."""
        cursor = self._dbapi.cursor()
        if self._postgres:
            cursor.execute(_CURRENT + "= ANY(%s)", (list(person_ids),))
        else:
            cursor.execute(
                _CURRENT + "IN (SELECT value FROM json_each(?))",
                (json.dumps(list(person_ids)),),
            )
        found = {row[0]: (bytes(row[1]), row[2]) for row in cursor.fetchall()}
        cursor.close()
        return found

    def links(self, rows: Sequence[tuple[Any, ...]]) -> None:
        cursor = self._dbapi.cursor()
        cursor.executemany(self._upsert_link, rows)
        cursor.close()


def _copy(
    cursor: Any,
    table: str,
    columns: Sequence[str],
    types: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
    with cursor.copy(statement) as copy:
        copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


def _marks(mark: str, count: int) -> str:
    return ", ".join([mark] * count)


def _insert_sql(table: str, columns: Sequence[str], source: str) -> str:
    # Names are this module's constants; values always go as parameters.
    return f"INSERT INTO {table} ({', '.join(columns)}) {source}"


def _replace_on_conflict() -> str:
    changes = ", ".join(f"{c} = excluded.{c}" for c in PERSON_COLUMNS[1:])
    return f" ON CONFLICT (person_id) DO UPDATE SET {changes}"


_CURRENT = "SELECT person_id, digest, valid_from FROM persons WHERE person_id "
