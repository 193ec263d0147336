"""Clients that can be cut off, throttling by source, and a sealed read log (issue 12)

Revision ID: 0012_client_lifecycle
Revises: 0005
Create Date: 2026-12-04 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_client_lifecycle"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_clients") as batch:
        batch.add_column(
            sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("secret_generation", sa.Integer(), nullable=False, server_default="1")
        )
    # A client locked by the old automatic lockout stays shut until an operator enables it.
    op.execute("UPDATE api_clients SET disabled = locked")
    with op.batch_alter_table("api_clients") as batch:
        batch.drop_column("locked")
        batch.drop_column("failed_attempts")
        batch.alter_column("disabled", server_default=None)
        batch.alter_column("secret_generation", server_default=None)
    with op.batch_alter_table("auth_events") as batch:
        batch.add_column(sa.Column("actor", sa.String(64), nullable=True))
    op.create_index(
        "ix_auth_events_client_id_source_at", "auth_events", ["client_id", "source", "at"]
    )
    with op.batch_alter_table("access_log") as batch:
        batch.add_column(sa.Column("batch", sa.BigInteger(), nullable=True))
    op.create_index("ix_access_log_batch", "access_log", ["batch"])
    op.create_table(
        "access_log_batches",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("link", sa.LargeBinary(32), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_access_log_batches"),
    )


def downgrade() -> None:
    op.drop_table("access_log_batches")
    op.drop_index("ix_access_log_batch", table_name="access_log")
    with op.batch_alter_table("access_log") as batch:
        batch.drop_column("batch")
    op.drop_index("ix_auth_events_client_id_source_at", table_name="auth_events")
    with op.batch_alter_table("auth_events") as batch:
        batch.drop_column("actor")
    with op.batch_alter_table("api_clients") as batch:
        batch.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute("UPDATE api_clients SET locked = disabled")
    with op.batch_alter_table("api_clients") as batch:
        batch.alter_column("locked", server_default=None)
        batch.alter_column("failed_attempts", server_default=None)
        batch.drop_column("disabled")
        batch.drop_column("secret_generation")
