"""Read-model tables. They share one MetaData with the service's tables, so alembic sees all."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, String, Table, Uuid

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
