"""Forgetting (issue 18): per-person data keys wrapped by the key-encryption key, and the
signed receipts of forgetting.

Revision ID: 0018_forgetting
Revises: 0016_toolkit_gaps
Create Date: 2026-12-05 01:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_forgetting"
down_revision: str | None = "0016_toolkit_gaps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "data_keys",
        sa.Column("key_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("kek_id", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("key_id", name="pk_data_keys"),
    )
    op.create_table(
        "forgetting_receipts",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("forgotten_at", TZ, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", name="pk_forgetting_receipts"),
    )


def downgrade() -> None:
    op.drop_table("forgetting_receipts")
    op.drop_table("data_keys")
