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
    # The sealed batch the read was written in (access_log_batches); null only for reads
    # written before batches were sealed (migration 0012).
    Column("batch", BigInteger, nullable=True),
    Index("ix_access_log_participant_id_id", "participant_id", "id"),
    Index("ix_access_log_batch", "batch"),
)

# Each flush of the read log is one batch: the SHA-256 link over its reads chained to the
# batch before, signed like an event checkpoint (services/audit/read_seals.py).
access_log_batches = Table(
    "access_log_batches",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("reads", Integer, nullable=False),
    Column("link", LargeBinary(32), nullable=False),
    Column("sealed_at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
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
    Column("actor", String(64), nullable=True),  # X-Actor, where the request named one
    Index("ix_auth_events_client_id_at", "client_id", "at"),
    Index("ix_auth_events_client_id_source_at", "client_id", "source", "at"),
)
