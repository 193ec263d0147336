"""Disclosure by relation (issue 13): which agencies are related to each participant (for
lists), the office that holds each queued legal matter, and when a diverted charge's intake
deadline passed (for the Golden Rule view). Existing rows are filled by rebuilding the
participant_directory, liaison_queue and golden_rule_compliance projections.

Revision ID: 0013_disclosure
Revises: 0012_client_lifecycle
Create Date: 2026-12-04 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_disclosure"
down_revision: str | None = "0012_client_lifecycle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "participant_relations",
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("since", TZ, nullable=True),
        sa.Column("until", TZ, nullable=True),
        sa.PrimaryKeyConstraint(
            "participant_id", "kind", "source_id", "agency", name="pk_participant_relations"
        ),
    )
    op.create_index(
        "ix_participant_relations_agency", "participant_relations", ["agency", "participant_id"]
    )
    op.create_index(
        "ix_participant_relations_source_id", "participant_relations", ["source_id"]
    )
    op.add_column("liaison_queue", sa.Column("office", sa.String(64), nullable=True))
    op.create_index("ix_liaison_queue_office", "liaison_queue", ["office"])
    op.add_column("compliance_links", sa.Column("expired_position", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("compliance_links", "expired_position")
    op.drop_index("ix_liaison_queue_office", table_name="liaison_queue")
    op.drop_column("liaison_queue", "office")
    op.drop_index("ix_participant_relations_source_id", table_name="participant_relations")
    op.drop_index("ix_participant_relations_agency", table_name="participant_relations")
    op.drop_table("participant_relations")
