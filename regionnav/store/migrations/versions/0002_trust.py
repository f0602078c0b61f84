"""trust: registered consumers, their rights, and the hash-chained audit trail

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consumers",
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("max_profile", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("unmasked", sa.Boolean(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("max_profile BETWEEN 1 AND 5", name="ck_consumers_profile"),
        sa.CheckConstraint(
            "NOT unmasked OR legal_basis IS NOT NULL",
            name="ck_consumers_legal_basis",
        ),
        sa.PrimaryKeyConstraint("consumer_id"),
    )
    op.create_table(
        "consumer_rights",
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("contract", sa.String(length=32), nullable=False),
        sa.Column("logical_address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"], ["consumers.consumer_id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("consumer_id", "contract", "logical_address"),
    )
    op.create_table(
        "audit_trail",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumer_id", sa.String(length=64), nullable=False),
        sa.Column("contract", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("logical_address", sa.String(length=255), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    with op.batch_alter_table("audit_trail", schema=None) as batch_op:
        batch_op.create_index("ix_audit_trail_person", ["person_id", "at"])
        batch_op.create_index("ix_audit_trail_at", ["at"])


def downgrade() -> None:
    with op.batch_alter_table("audit_trail", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_trail_at")
        batch_op.drop_index("ix_audit_trail_person")
    op.drop_table("audit_trail")
    op.drop_table("consumer_rights")
    op.drop_table("consumers")
