"""The candidate search reads each block's most recent records first (BLOCK_CAP in
projections/duplicates.py): each blocking key's index gains the position, so a block is read
backwards from its newest record without sorting it.

Revision ID: 0020_duplicate_blocks
Revises: 0018_claim_keys
Create Date: 2026-12-06 01:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0020_duplicate_blocks"
down_revision: str | None = "0018_claim_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("date_of_birth", "surname_block", "year_initial")


def upgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_duplicate_keys_{column}", table_name="duplicate_keys")
        op.create_index(
            f"ix_duplicate_keys_{column}_position", "duplicate_keys", [column, "first_position"]
        )


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f"ix_duplicate_keys_{column}_position", table_name="duplicate_keys")
        op.create_index(f"ix_duplicate_keys_{column}", "duplicate_keys", [column])
