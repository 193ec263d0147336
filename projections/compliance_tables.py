"""The compliance view's tables: the flags, and what the folds must remember to raise them
(which participant a coordination record or legal matter belongs to, where each share was
recorded, and whether priority referrals are being declined for capacity)."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, DateTime, Integer, Table, Text, Uuid

from infra.tables import metadata

SEQ_SPAN = 16  # rules one position may raise a flag of, at most: a flag's order is its seq
compliance_flags = Table(
    "compliance_flags",
    metadata,
    Column("flag_id", Uuid, primary_key=True),
    Column("seq", BigInteger, nullable=False, unique=True),  # position * SEQ_SPAN + rule index
    Column("rule", Text, nullable=False, index=True),
    Column("participant_id", Uuid, nullable=True, index=True),  # null: a missed diversion
    Column("raised_at", DateTime(timezone=True), nullable=False),
    Column("events", JSON, nullable=False),
    Column("status", Text, nullable=False, index=True),
    Column("detail", JSON, nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=True),
    Column("reviewed_by", Text, nullable=True),
    Column("review_note", Text, nullable=True),
)
compliance_links = Table(
    "compliance_links",
    metadata,
    Column("aggregate_id", Uuid, primary_key=True),  # a coordination record or a legal matter
    Column("participant_id", Uuid, nullable=False),
    Column("kind", Text, nullable=False),
    Column("enrolled_position", BigInteger, nullable=True),  # a diverted charge now protected
    Column("filed_positions", JSON, nullable=False),
    Column("expired_position", BigInteger, nullable=True),  # its intake deadline passed
)
compliance_shares = Table(
    "compliance_shares",
    metadata,
    Column("share_id", Uuid, primary_key=True),
    Column("participant_id", Uuid, nullable=False),
    Column("position", BigInteger, nullable=False),
)
compliance_capacity = Table(
    "compliance_capacity",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("declined_positions", JSON, nullable=False),  # priority declines since an accept
    Column("declined_participant_id", Uuid, nullable=True),
)
TABLES = (compliance_flags, compliance_links, compliance_shares, compliance_capacity)
