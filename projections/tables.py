"""Read-model tables. They share one MetaData with the service's tables, so alembic sees all."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, String, Table, Uuid

from infra.tables import metadata

projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

intake_deadlines = Table(
    "intake_deadlines",
    metadata,
    Column("referral_id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False, index=True),
    Column("deadline", DateTime(timezone=True), nullable=False),
    Column("open", Boolean, nullable=False, index=True),
)

# Every legal matter, with why it needs the liaison prosecutor now (reason NULL: it does not).
liaison_queue = Table(
    "liaison_queue",
    metadata,
    Column("matter_id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(32), nullable=False),
    Column("case_number", String(200), nullable=False),
    Column("reason", String(40), nullable=True, index=True),
    Column("due_at", DateTime(timezone=True), nullable=True),
    # The office that holds the matter; NULL: the site's liaison prosecutor offices.
    Column("office", String(64), nullable=True, index=True),
    Index("ix_liaison_queue_due_at", "due_at", "matter_id"),
)
