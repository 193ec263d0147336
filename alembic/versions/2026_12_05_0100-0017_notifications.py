"""Notifications to partner agencies (issue 17): the hosts each agency's webhooks may reach,
the subscriptions with their own durable positions in the event log and their leases, and the
latest delivery attempts.

Revision ID: 0017_notifications
Revises: 0011_storage_true_limits
Create Date: 2026-12-05 01:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_notifications"
down_revision: str | None = "0011_storage_true_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)
Serial = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "webhook_hosts",
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("host", sa.String(253), nullable=False),
        sa.Column("allowed_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("agency", "host", name="pk_webhook_hosts"),
    )
    op.create_table(
        "webhook_subscriptions",
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("types", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("previous_secret", sa.Text(), nullable=True),
        sa.Column("previous_secret_until", TZ, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failing_since", TZ, nullable=True),
        sa.Column("next_attempt_at", TZ, nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", TZ, nullable=True),
        sa.Column("client_key", sa.String(330), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=True),
        sa.Column("rotation_key", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("subscription_id", name="pk_webhook_subscriptions"),
    )
    op.create_index(
        "ix_webhook_subscriptions_client_key",
        "webhook_subscriptions",
        ["client_key"],
        unique=True,
    )
    op.create_index(
        "ix_webhook_subscriptions_agency", "webhook_subscriptions", ["agency"]
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("delivery_id", Serial, autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("webhook_id", sa.String(64), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("attempted_at", TZ, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("lag_ms", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("delivery_id", name="pk_webhook_deliveries"),
    )
    op.create_index(
        "ix_webhook_deliveries_subscription",
        "webhook_deliveries",
        ["subscription_id", "delivery_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_subscription", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhook_subscriptions_client_key", table_name="webhook_subscriptions")
    op.drop_index("ix_webhook_subscriptions_agency", table_name="webhook_subscriptions")
    op.drop_table("webhook_subscriptions")
    op.drop_table("webhook_hosts")
