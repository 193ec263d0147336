"""Read models: compliance flags, capacity, evaluation, participant list (issue 4).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 11:04:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "capacity_case_managers",
        sa.Column("case_manager_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("registered_position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("case_manager_id", name="pk_capacity_case_managers"),
    )
    op.create_table(
        "capacity_assignments",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("case_manager_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", name="pk_capacity_assignments"),
    )
    op.create_index(
        "ix_capacity_assignments_case_manager_id", "capacity_assignments", ["case_manager_id"]
    )
    op.create_table(
        "capacity_policy",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("caseload_max", sa.Integer(), nullable=False),
        sa.Column("caseload_average_threshold", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_capacity_policy"),
    )
    op.create_table(
        "evaluation_referrals",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("door", sa.String(32), nullable=False),
        sa.Column("referred_at", TZ, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("quarter", sa.String(7), nullable=False),
        sa.Column("year", sa.String(4), nullable=False),
        sa.Column("race", sa.String(64), nullable=False),
        sa.Column("ethnicity", sa.String(64), nullable=False),
        sa.Column("gender", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("intake_expired", sa.Boolean(), nullable=False),
        sa.Column("intake_at", TZ, nullable=True),
        sa.Column("days_to_intake", sa.Float(), nullable=True),
        sa.Column("intake_tenths", sa.Integer(), nullable=True),
        sa.Column("enrolled_at", TZ, nullable=True),
        sa.Column("discharged_at", TZ, nullable=True),
        sa.Column("readmitted_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("referral_id", name="pk_evaluation_referrals"),
    )
    op.create_index(
        "ix_evaluation_referrals_participant_id", "evaluation_referrals", ["participant_id"]
    )
    op.create_index("ix_evaluation_referrals_referred_at", "evaluation_referrals", ["referred_at"])
    op.create_table(
        "participant_directory",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("first_position", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("case_manager_id", sa.Uuid(), nullable=True),
        sa.Column("given_name", sa.String(200), nullable=False),
        sa.Column("family_name", sa.String(200), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("demographics", sa.JSON(), nullable=False),
        sa.Column("referred_at", TZ, nullable=False),
        sa.Column("last_referred_at", TZ, nullable=False),
        sa.Column("enrolled_at", TZ, nullable=True),
        sa.Column("discharged_at", TZ, nullable=True),
        sa.Column("intake_deadline", TZ, nullable=True),
        sa.Column("open_deadlines", sa.JSON(), nullable=False),
        sa.Column("last_accepted_referral_id", sa.Uuid(), nullable=True),
        sa.Column("last_accepted_status", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("participant_id", name="pk_participant_directory"),
        sa.UniqueConstraint("first_position", name="uq_participant_directory_first_position"),
    )
    op.create_index("ix_participant_directory_status", "participant_directory", ["status"])
    op.create_index(
        "ix_participant_directory_case_manager_id", "participant_directory", ["case_manager_id"]
    )
    compliance()


def compliance() -> None:
    op.create_table(
        "compliance_flags",
        sa.Column("flag_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("reviewed_at", TZ, nullable=True),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("flag_id", name="pk_compliance_flags"),
        sa.UniqueConstraint("seq", name="uq_compliance_flags_seq"),
    )
    op.create_index("ix_compliance_flags_rule", "compliance_flags", ["rule"])
    op.create_index("ix_compliance_flags_participant_id", "compliance_flags", ["participant_id"])
    op.create_index("ix_compliance_flags_status", "compliance_flags", ["status"])
    op.create_table(
        "compliance_links",
        sa.Column("aggregate_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("enrolled_position", sa.BigInteger(), nullable=True),
        sa.Column("filed_positions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("aggregate_id", name="pk_compliance_links"),
    )
    op.create_table(
        "compliance_shares",
        sa.Column("share_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("share_id", name="pk_compliance_shares"),
    )
    op.create_table(
        "compliance_capacity",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("declined_positions", sa.JSON(), nullable=False),
        sa.Column("declined_participant_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_compliance_capacity"),
    )


def downgrade() -> None:
    for table in ("compliance_capacity", "compliance_shares", "compliance_links"):
        op.drop_table(table)
    op.drop_table("compliance_flags")
    op.drop_table("participant_directory")
    op.drop_table("evaluation_referrals")
    op.drop_table("capacity_policy")
    op.drop_table("capacity_assignments")
    op.drop_table("capacity_case_managers")
