"""Audit tables (issue 5): the hash chain and its signed checkpoints, the log of reads of
participants' data, and the authentication audit. Created by migration 0003."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Uuid,
)

from infra.tables import metadata

# SQLite autoincrements only an INTEGER PRIMARY KEY.
Serial = BigInteger().with_variant(Integer(), "sqlite")

audit_chain = Table(
    "audit_chain",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("link", LargeBinary(32), nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("head", LargeBinary(32), nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
)

access_log = Table(
    "access_log",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("participant_id", Uuid, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("agency", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("endpoint", String(200), nullable=False),
    Column("categories", String(500), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("detail", String(200), nullable=False),
    Index("ix_access_log_participant_id_id", "participant_id", "id"),
)

auth_events = Table(
    "auth_events",
    metadata,
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("client_id", String(64), nullable=True),
    Column("agency", String(64), nullable=True),
    Column("role", String(32), nullable=True),
    Column("source", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("detail", String(200), nullable=False),
    Index("ix_auth_events_client_id_at", "client_id", "at"),
)
