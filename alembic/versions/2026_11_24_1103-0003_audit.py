"""Audit: the tamper-evident chain, checkpoints, disclosures, authentication audit (issue 5)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 11:03:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite autoincrements only an INTEGER PRIMARY KEY.
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("link", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_audit_chain"),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("head", sa.LargeBinary(32), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_audit_checkpoints"),
    )
    op.create_table(
        "access_log",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("endpoint", sa.String(200), nullable=False),
        sa.Column("categories", sa.String(500), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_access_log"),
    )
    op.create_index("ix_access_log_participant_id_id", "access_log", ["participant_id", "id"])
    op.create_table(
        "auth_events",
        sa.Column("id", Serial, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("agency", sa.String(64), nullable=True),
        sa.Column("role", sa.String(32), nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auth_events"),
    )
    op.create_index("ix_auth_events_client_id_at", "auth_events", ["client_id", "at"])
    op.create_table(
        "participant_events",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("disclosure", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", "position", name="pk_participant_events"),
    )
    op.create_index(
        "ix_participant_events_disclosure",
        "participant_events",
        ["participant_id", "disclosure", "position"],
    )
    op.create_table(
        "participant_streams",
        sa.Column("originator_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("originator_id", name="pk_participant_streams"),
    )


def downgrade() -> None:
    op.drop_table("participant_streams")
    op.drop_index("ix_participant_events_disclosure", table_name="participant_events")
    op.drop_table("participant_events")
    op.drop_index("ix_auth_events_client_id_at", table_name="auth_events")
    op.drop_table("auth_events")
    op.drop_index("ix_access_log_participant_id_id", table_name="access_log")
    op.drop_table("access_log")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_chain")
    op.execute("DELETE FROM projection_positions WHERE name = 'participant_events'")
