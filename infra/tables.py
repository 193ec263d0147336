"""SQL tables owned by the service (beside the event store's own): API clients and agencies.
Projection tables live with their projections in `projections/`."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table

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
