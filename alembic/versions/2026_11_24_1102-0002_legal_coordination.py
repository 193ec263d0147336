"""Legal coordination: matters, shares, adverse actions, the liaison prosecutor queue (issue 3)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 11:02:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Legal matters, shares and adverse actions live in the event store; only the liaison
# prosecutor's queue (a projection) needs a table.


def upgrade() -> None:
    op.create_table(
        "liaison_queue",
        sa.Column("matter_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("case_number", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("matter_id", name="pk_liaison_queue"),
    )
    op.create_index("ix_liaison_queue_participant_id", "liaison_queue", ["participant_id"])
    op.create_index("ix_liaison_queue_reason", "liaison_queue", ["reason"])
    op.create_index("ix_liaison_queue_due_at", "liaison_queue", ["due_at", "matter_id"])


def downgrade() -> None:
    op.drop_table("liaison_queue")
