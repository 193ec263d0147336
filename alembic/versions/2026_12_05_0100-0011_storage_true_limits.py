"""Storage-true limits (issue 11): every read-model text column becomes `text`, so no store
refuses a value the API accepted (the limits are `domain/text.py`'s, checked at the API), and
the quarantine where a projection sets aside an event it cannot apply.

Revision ID: 0011_storage_true_limits
Revises: 0013_disclosure
Create Date: 2026-12-05 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_storage_true_limits"
down_revision: str | None = "0013_disclosure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = {"door": 32, "race": 64, "ethnicity": 64, "gender": 64}
PERIODS = {"month": 7, "quarter": 7, "year": 4}
# table -> column -> the length it had
WIDENED: dict[str, dict[str, int]] = {
    "projection_positions": {"name": 64},
    "liaison_queue": {"kind": 32, "state": 32, "case_number": 200, "reason": 40, "office": 64},
    "capacity_case_managers": {"name": 200},
    "compliance_flags": {"rule": 64, "status": 16, "reviewed_by": 200},
    "compliance_links": {"kind": 32},
    "participant_directory": {
        "status": 32,
        "given_name": 200,
        "family_name": 200,
        "last_accepted_status": 32,
    },
    "evaluation_referrals": GROUPS | PERIODS | {"status": 32},
    "evaluation_cells": GROUPS | PERIODS,
    "evaluation_intake_histogram": GROUPS | PERIODS,
    "evaluation_intake_overall": GROUPS,
    "participant_relations": {"kind": 32, "agency": 64},
}


def upgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for column, length in columns.items():
                batch.alter_column(column, type_=sa.Text(), existing_type=sa.String(length))
    op.create_table(
        "projection_quarantine",
        sa.Column("projection", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("event_type", sa.Text(), nullable=False),
        sa.Column("error_class", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("code_version", sa.Text(), nullable=False),
        sa.Column(
            "quarantined_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("projection", "position", name="pk_projection_quarantine"),
    )


def downgrade() -> None:
    """Values longer than the old lengths would not fit: they are cut (PostgreSQL refuses
    otherwise); a rebuild after the downgrade restores what the old code would have kept."""
    op.drop_table("projection_quarantine")
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for column, length in columns.items():
                batch.alter_column(
                    column,
                    type_=sa.String(length),
                    existing_type=sa.Text(),
                    postgresql_using=f"left({column}, {length})",
                )
