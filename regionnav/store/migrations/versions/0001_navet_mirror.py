"""the Navet mirror: deliveries, persons and their versions

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("effective_date", sa.String(length=8), nullable=True),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("checksum"),
    )
    op.create_table(
        "identity_links",
        sa.Column("old_id", sa.String(length=12), nullable=False),
        sa.Column("new_id", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=2), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
        ),
        sa.PrimaryKeyConstraint("old_id", "new_id"),
    )
    with op.batch_alter_table("identity_links", schema=None) as batch_op:
        batch_op.create_index("ix_identity_links_new", ["new_id"], unique=False)

    op.create_table(
        "person_versions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.String(length=12), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=True),
        sa.Column("valid_from", sa.BigInteger(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("post_xml", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("person_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_person_versions_person", ["person_id", "valid_from"], unique=False
        )

    op.create_table(
        "persons",
        sa.Column("person_id", sa.String(length=12), nullable=False),
        sa.Column("id_kind", sa.String(length=3), nullable=False),
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sekretessmarkering", sa.Boolean(), nullable=False),
        sa.Column("skyddad_folkbokforing", sa.Boolean(), nullable=False),
        sa.Column("avregistreringskod", sa.String(length=2), nullable=True),
        sa.Column("avregistreringsdatum", sa.String(length=8), nullable=True),
        sa.Column("lan_kod", sa.String(length=2), nullable=True),
        sa.Column("kommun_kod", sa.String(length=4), nullable=True),
        sa.Column("folkbokforingsdatum", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["person_versions.id"],
        ),
        sa.PrimaryKeyConstraint("person_id"),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index("ix_persons_kommun", ["kommun_kod"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index("ix_persons_kommun")

    op.drop_table("persons")
    with op.batch_alter_table("person_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_person_versions_person")

    op.drop_table("person_versions")
    with op.batch_alter_table("identity_links", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_links_new")

    op.drop_table("identity_links")
    op.drop_table("deliveries")
