"""Keyed identifier claim ids (issue 18 follow-up): the fingerprints of the claim keys a
store's identifier claim ids were made with, so a start with another key is refused.

Revision ID: 0018_claim_keys
Revises: 0019_duplicates
Create Date: 2026-12-05 02:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_claim_keys"
down_revision: str | None = "0019_duplicates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "claim_keys",
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id", name="pk_claim_keys"),
    )


def downgrade() -> None:
    op.drop_table("claim_keys")
