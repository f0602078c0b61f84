"""move the audit trail into a schema of its own: on SQLite, a file of its own

Revision ID: 0005
Revises: 0004

On PostgreSQL the table moves into the schema ``audit``. On SQLite the schema
is the file attached as ``audit`` (``regionnav-audit.db`` beside the store,
see ``regionnav.store.engine``): the table is made there and the records are
copied over, the sequence number now being the table's own key (rowid). A
transaction over two SQLite files in WAL mode is not atomic as a whole, so
the store's old table is not dropped in the same transaction as the copy is
made: if it has records, it stays behind as ``audit_trail_moved``, to be
dropped by hand once ``regionnav audit verify`` has seen the moved chain
whole.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "audit"
# On SQLite an INTEGER primary key is the table's own key (rowid): one
# b-tree fewer to write on every append than a BIGINT one.
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = (
    "seq, at, consumer_id, contract, person_id, result, logical_address, "
    "correlation_id, digest"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        op.execute(f"ALTER TABLE audit_trail SET SCHEMA {SCHEMA}")
        return

    _create(SCHEMA)
    _copy(into=SCHEMA, source="main")
    kept = op.get_bind().exec_driver_sql("SELECT 1 FROM main.audit_trail LIMIT 1")
    if kept.first() is None:
        _drop(None)
    else:
        op.rename_table("audit_trail", "audit_trail_moved")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {SCHEMA}.audit_trail SET SCHEMA public")
        return

    _forget_the_copy_left_behind()
    _create(None)
    _copy(into="main", source=SCHEMA)
    _drop(SCHEMA)


def _create(schema: str | None) -> None:
    op.create_table(
        "audit_trail",
        sa.Column("seq", SEQ, autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("contract", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("logical_address", sa.String(length=255), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        schema=schema,
    )
    op.create_index(
        "ix_audit_trail_person", "audit_trail", ["person_id", "at"], schema=schema
    )
    op.create_index("ix_audit_trail_at", "audit_trail", ["at"], schema=schema)


def _drop(schema: str | None, table: str = "audit_trail") -> None:
    op.drop_index("ix_audit_trail_at", table, schema=schema)
    op.drop_index("ix_audit_trail_person", table, schema=schema)
    op.drop_table(table, schema=schema)


def _copy(into: str, source: str) -> None:
    """Copy every record of ``source``'s trail into ``into``'s (attached files)."""
    # Schema names of this module only, never input.
    columns = f"({COLUMNS}) SELECT {COLUMNS}"
    op.execute(f"INSERT INTO {into}.audit_trail {columns} FROM {source}.audit_trail")


def _forget_the_copy_left_behind() -> None:
    """Drop ``audit_trail_moved`` (its indexes hold the names the moved-back
    table needs), once sure the trail holds each of its records unchanged."""
    bind = op.get_bind()
    tables = "SELECT 1 FROM main.sqlite_master WHERE name = 'audit_trail_moved'"
    if bind.exec_driver_sql(tables).first() is None:
        return
    missing = bind.exec_driver_sql(
        "SELECT count(*) FROM main.audit_trail_moved m LEFT JOIN audit.audit_trail a "
        "ON a.seq = m.seq AND a.digest = m.digest WHERE a.seq IS NULL"
    ).scalar_one()
    if missing:
        raise RuntimeError(
            f"audit_trail_moved holds {missing} records the audit trail does not: "
            "keep it, and move the trail back by hand"
        )
    _drop(None, "audit_trail_moved")
