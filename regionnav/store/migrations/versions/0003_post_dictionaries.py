"""post dictionaries: stored posts compressed with zstd and a named dictionary

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "post_dictionaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    # Rows written before keep NULL: their posts are stored uncompressed.
    with op.batch_alter_table("person_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dictionary_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_person_versions_dictionary",
            "post_dictionaries",
            ["dictionary_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("person_versions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_person_versions_dictionary", type_="foreignkey")
        batch_op.drop_column("dictionary_id")
    op.drop_table("post_dictionaries")
