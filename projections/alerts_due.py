"""What may be due for a time-based alert (issue 17), found in the read models the deadline
worker already keeps: open intake deadlines, ROIs by their expiry (participant_relations), and
held filings by their review date (the liaison queue). The aggregates decide; this only finds
the candidates."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import Connection, select

from projections.relations import ROI, participant_relations
from projections.tables import intake_deadlines, liaison_queue

LIMIT = 500


def intake_deadlines_near(conn: Connection, now: datetime, days: int) -> list[tuple[UUID, UUID]]:
    """(participant, referral) of open deadlines in the next `days` days."""
    table = intake_deadlines
    rows = conn.execute(
        select(table.c.participant_id, table.c.referral_id)
        .where(table.c.open.is_(True), table.c.deadline > now)
        .where(table.c.deadline <= now + timedelta(days=days))
        .order_by(table.c.deadline)
        .limit(LIMIT)
    )
    return [(row.participant_id, row.referral_id) for row in rows]


def rois_expiring(conn: Connection, now: datetime, days: int) -> list[tuple[UUID, UUID]]:
    """(participant, ROI) of ROIs that end in the next `days` days."""
    table = participant_relations
    rows = conn.execute(
        select(table.c.participant_id, table.c.source_id)
        .where(table.c.kind.like(f"{ROI}%"), table.c.until > now)
        .where(table.c.until <= now + timedelta(days=days))
        .distinct()
        .limit(LIMIT)
    )
    return [(row.participant_id, row.source_id) for row in rows]


def holds_due(conn: Connection, now: datetime) -> list[UUID]:
    """Held filings whose review date has come."""
    table = liaison_queue
    rows = conn.execute(
        select(table.c.matter_id)
        .where(table.c.state == "held", table.c.due_at <= now)
        .order_by(table.c.due_at)
        .limit(LIMIT)
    )
    return list(rows.scalars())
