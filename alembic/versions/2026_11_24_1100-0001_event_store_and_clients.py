"""Event store (the eventsourcing library's tables, owned here), API clients, deadline index.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The DDL eventsourcing 9.5 issues with CREATE_TABLE=y, frozen here so the schema is ours.
POSTGRES_UP = [
    """CREATE TYPE stored_event_uuid AS (
        originator_id uuid, originator_version bigint, topic text, state bytea)""",
    """CREATE TABLE leadstore_events (
        originator_id uuid NOT NULL,
        originator_version bigint NOT NULL,
        topic text,
        state bytea,
        notification_id bigserial,
        PRIMARY KEY (originator_id, originator_version))
    WITH (autovacuum_enabled = true, autovacuum_vacuum_threshold = 100000000,
          autovacuum_vacuum_scale_factor = 0.5, autovacuum_analyze_threshold = 1000,
          autovacuum_analyze_scale_factor = 0.01)""",
    """CREATE UNIQUE INDEX leadstore_events_notification_id_idx
        ON leadstore_events (notification_id ASC)""",
    """CREATE TABLE leadstore_snapshots (
        originator_id uuid NOT NULL,
        originator_version bigint NOT NULL,
        topic text,
        state bytea,
        PRIMARY KEY (originator_id, originator_version))""",
]
POSTGRES_DOWN = ["DROP TABLE leadstore_snapshots", "DROP TABLE leadstore_events",
                 "DROP TYPE stored_event_uuid"]
SQLITE_UP = [
    """CREATE TABLE stored_events (
        originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,
        PRIMARY KEY (originator_id, originator_version))""",
    """CREATE TABLE stored_snapshots (
        originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB,
        PRIMARY KEY (originator_id, originator_version)) WITHOUT ROWID""",
]
SQLITE_DOWN = ["DROP TABLE stored_snapshots", "DROP TABLE stored_events"]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_UP if postgres else SQLITE_UP:
        op.execute(statement)
    op.create_table(
        "agencies",
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug", name="pk_agencies"),
    )
    op.create_table(
        "api_clients",
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name="pk_api_clients"),
    )
    op.create_index("ix_api_clients_agency", "api_clients", ["agency"])
    op.create_table(
        "projection_positions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_projection_positions"),
    )
    op.create_table(
        "intake_deadlines",
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("referral_id", name="pk_intake_deadlines"),
    )
    op.create_index("ix_intake_deadlines_participant_id", "intake_deadlines", ["participant_id"])
    op.create_index("ix_intake_deadlines_open", "intake_deadlines", ["open"])


def downgrade() -> None:
    op.drop_table("intake_deadlines")
    op.drop_table("projection_positions")
    op.drop_table("api_clients")
    op.drop_table("agencies")
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_DOWN if postgres else SQLITE_DOWN:
        op.execute(statement)
