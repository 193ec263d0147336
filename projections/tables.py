"""Read-model tables. They share one MetaData with the service's tables, so alembic sees all."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, Table, Text, Uuid, func

from infra.tables import metadata

projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", Text, primary_key=True),
    Column("position", BigInteger, nullable=False),
)

# Events a projection could not apply (projections/quarantine.py): set aside, never retried in
# a loop; the message is a safe summary (error class, SQLSTATE), never the driver's text.
projection_quarantine = Table(
    "projection_quarantine",
    metadata,
    Column("projection", Text, primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("event_type", Text, nullable=False),
    Column("error_class", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("code_version", Text, nullable=False),
    Column("quarantined_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
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
    Column("kind", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("case_number", Text, nullable=False),
    Column("reason", Text, nullable=True, index=True),
    Column("due_at", DateTime(timezone=True), nullable=True),
    # The office that holds the matter; NULL: the site's liaison prosecutor offices.
    Column("office", Text, nullable=True, index=True),
    Index("ix_liaison_queue_due_at", "due_at", "matter_id"),
)
