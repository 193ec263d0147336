"""What the toolkit asks for (issue 16): when a case manager retired (the capacity view leaves
them out of the figures; none could retire before), and the non-return requests by place (a
new projection: the projector fills it from the start of the log), and Golden Rule flags
that name no participant (a missed diversion). The evaluation gains the warm handoff (and
whether within 30 minutes) and engagement within 30 days: past intakes within 30 days are
counted here, as the projection counts them.

Revision ID: 0016_toolkit_gaps
Revises: 0017_notifications
Create Date: 2026-12-05 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_toolkit_gaps"
down_revision: str | None = "0017_notifications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
COUNTS = ("handed_off", "handed_off_within_30m", "engaged_30d")


def upgrade() -> None:
    op.add_column("capacity_case_managers", sa.Column("retired_at", TZ, nullable=True))
    op.create_table(
        "non_return_requests",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("until", TZ, nullable=False),
        sa.Column("lifted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("referral_id", name="pk_non_return_requests"),
    )
    for column in ("participant_id", "latitude", "until"):
        op.create_index(f"ix_non_return_requests_{column}", "non_return_requests", [column])
    with op.batch_alter_table("compliance_flags") as batch:  # a missed diversion names no one
        batch.alter_column("participant_id", existing_type=sa.Uuid(), nullable=True)
    op.add_column("evaluation_referrals", sa.Column("handed_off_at", TZ, nullable=True))
    for flag in ("handoff_within_30m", "engaged_30d"):
        column = sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.false())
        op.add_column("evaluation_referrals", column)
    for count in COUNTS:
        column = sa.Column(count, sa.Integer(), nullable=False, server_default="0")
        op.add_column("evaluation_cells", column)
    fill_engagement()
    op.create_table(
        "evaluation_missed_diversions",
        sa.Column("missed_diversion_id", sa.Uuid(), nullable=False),
        sa.Column("door", sa.Text(), nullable=False),
        sa.Column("arrested_at", TZ, nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("quarter", sa.Text(), nullable=False),
        sa.Column("year", sa.Text(), nullable=False),
        sa.Column("race", sa.Text(), nullable=False),
        sa.Column("ethnicity", sa.Text(), nullable=False),
        sa.Column("gender", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("missed_diversion_id", name="pk_evaluation_missed_diversions"),
    )
    op.create_index(
        "ix_evaluation_missed_diversions_arrested_at",
        "evaluation_missed_diversions",
        ["arrested_at"],
    )


def fill_engagement() -> None:
    """Past intakes within 30 days count as engaged, on the rows and in their cells, as the
    projection counts them (no warm handoff could be recorded before)."""
    op.execute(
        "UPDATE evaluation_referrals SET engaged_30d = "
        "CASE WHEN days_to_intake <= 30 THEN 1 = 1 ELSE 1 = 0 END"
    )
    same_cell = " AND ".join(
        f"r.{name} = evaluation_cells.{name}"
        for name in ("door", "race", "ethnicity", "gender", "month")
    )
    op.execute(
        "UPDATE evaluation_cells SET engaged_30d = (SELECT COUNT(*) FROM evaluation_referrals r "
        f"WHERE {same_cell} AND r.engaged_30d = (1 = 1))"  # noqa: S608 (no input)
    )


def downgrade() -> None:
    op.drop_table("evaluation_missed_diversions")
    with op.batch_alter_table("evaluation_cells") as batch:
        for count in COUNTS:
            batch.drop_column(count)
    with op.batch_alter_table("evaluation_referrals") as batch:
        for name in ("handed_off_at", "handoff_within_30m", "engaged_30d"):
            batch.drop_column(name)
    op.execute("DELETE FROM compliance_flags WHERE participant_id IS NULL")
    with op.batch_alter_table("compliance_flags") as batch:
        batch.alter_column("participant_id", existing_type=sa.Uuid(), nullable=False)
    op.drop_table("non_return_requests")
    with op.batch_alter_table("capacity_case_managers") as batch:
        batch.drop_column("retired_at")
