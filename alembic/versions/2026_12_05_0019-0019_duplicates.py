"""Possible duplicates (issue 19): the candidate search's blocking keys, one row per
participant record, and the review queue of graded pairs. Existing rows are filled by
rebuilding the possible_duplicates and participant_directory projections.

Revision ID: 0019_duplicates
Revises: 0018_forgetting
Create Date: 2026-12-05 00:19:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_duplicates"
down_revision: str | None = "0018_forgetting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "duplicate_keys",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("first_position", sa.BigInteger(), nullable=False),
        sa.Column("given_name", sa.Text(), nullable=False),
        sa.Column("family_name", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("surname_block", sa.Text(), nullable=False),
        sa.Column("year_initial", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("participant_id", name="pk_duplicate_keys"),
    )
    for column in ("date_of_birth", "surname_block", "year_initial"):
        op.create_index(f"ix_duplicate_keys_{column}", "duplicate_keys", [column])
    op.create_table(
        "possible_duplicates",
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("earlier_id", sa.Uuid(), nullable=False),
        sa.Column("later_id", sa.Uuid(), nullable=False),
        sa.Column("grade", sa.Text(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("candidate_id", name="pk_possible_duplicates"),
        sa.UniqueConstraint("seq", name="uq_possible_duplicates_seq"),
    )
    for column in ("earlier_id", "later_id"):
        op.create_index(f"ix_possible_duplicates_{column}", "possible_duplicates", [column])
    op.create_index(
        "ix_possible_duplicates_status_grade", "possible_duplicates", ["status", "grade"]
    )
    op.add_column("participant_directory", sa.Column("linked_to", sa.Uuid(), nullable=True))
    op.create_index(
        "ix_participant_directory_linked_to", "participant_directory", ["linked_to"]
    )


def downgrade() -> None:
    op.drop_index("ix_participant_directory_linked_to", table_name="participant_directory")
    op.drop_column("participant_directory", "linked_to")
    op.drop_table("possible_duplicates")
    op.drop_table("duplicate_keys")
