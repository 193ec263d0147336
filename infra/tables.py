"""SQL tables owned by the service (beside the event store's own): API clients and agencies.
Projection tables live with their projections in `projections/`."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

agencies = Table(
    "agencies",
    metadata,
    Column("slug", String(64), primary_key=True),
    Column("registered_at", DateTime(timezone=True), nullable=False),
)

api_clients = Table(
    "api_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("secret_hash", String(255), nullable=False),
    Column("agency", String(64), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("name", String(200), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Set by an operator (`leadctl clients disable`): no tokens, and issued ones stop working.
    Column("disabled", Boolean, nullable=False, default=False),
    Column("secret_generation", Integer, nullable=False, default=1),
)

# SQLite autoincrements only an INTEGER PRIMARY KEY.
Serial = BigInteger().with_variant(Integer(), "sqlite")

# Webhooks (issue 17). The hosts an operator allows each agency's subscriptions to reach
# (`leadctl agencies allow-webhook-host`).
webhook_hosts = Table(
    "webhook_hosts",
    metadata,
    Column("agency", String(64), primary_key=True),
    Column("host", String(253), primary_key=True),
    Column("allowed_at", DateTime(timezone=True), nullable=False),
)

# One row per subscription: what it wants, its secrets, and its own durable position in the
# event log (the last position it has finished with); no copy of the events is kept. The lease
# lets exactly one deliverer (of any process) work on it at a time.
webhook_subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("subscription_id", Uuid, primary_key=True),
    Column("agency", String(64), nullable=False, index=True),
    Column("role", String(32), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("types", Text, nullable=False),  # JSON list
    Column("description", Text, nullable=False, default=""),
    Column("secret", Text, nullable=False),
    Column("previous_secret", Text, nullable=True),
    Column("previous_secret_until", DateTime(timezone=True), nullable=True),
    Column("status", String(16), nullable=False),  # active, disabled, deleted
    Column("status_reason", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),  # failures of the one owed now
    Column("failing_since", DateTime(timezone=True), nullable=True),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    # Idempotency-Key of the POST that made it (per client) and of the last rotation: a retry
    # with the same key replays the answer instead of making or rotating again.
    Column("client_key", String(330), nullable=True),
    Column("fingerprint", String(64), nullable=True),
    Column("rotation_key", String(255), nullable=True),
    Index("ix_webhook_subscriptions_client_key", "client_key", unique=True),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("delivery_id", Serial, primary_key=True, autoincrement=True),
    Column("subscription_id", Uuid, nullable=False),
    Column("webhook_id", String(64), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("type", String(64), nullable=False),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("lag_ms", Integer, nullable=True),
    Index("ix_webhook_deliveries_subscription", "subscription_id", "delivery_id"),
)
