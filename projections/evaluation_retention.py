"""Retention (funders ask for it at 6 and 12 months): of the referrals enrolled at least that
long before the report, those not discharged within that time of enrollment. It depends on
when the report is made, so it is counted from the referral rows then, not kept in cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.evaluation import evaluation_referrals as t

RETENTION = {"retained_6m": timedelta(days=182), "retained_12m": timedelta(days=365)}


def retained(
    enrolled_at: datetime, discharged_at: datetime | None, span: timedelta, now: datetime
) -> bool:
    """Enrolled `span` ago or more, and not discharged within `span` of enrolling."""
    enrolled_at, discharged_at = aware(enrolled_at), discharged_at and aware(discharged_at)
    if enrolled_at + span > now:
        return False
    return discharged_at is None or discharged_at >= enrolled_at + span


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC times."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def retention_counts(
    conn: AsyncConnection,
    dims: list[Any],
    window: tuple[datetime | None, datetime | None],
    now: datetime,
) -> dict[tuple[str, ...], dict[str, int]]:
    """Per group key (the dimensions' values as text), the retained counts."""
    start, end = window
    bounds = [t.c.enrolled_at.is_not(None), t.c.enrolled_at <= now - min(RETENTION.values())]
    bounds += [] if start is None else [t.c.referred_at >= start]
    bounds += [] if end is None else [t.c.referred_at < end]
    query = select(*dims, t.c.enrolled_at, t.c.discharged_at).where(
        and_(literal(value=True), *bounds)
    )
    found: dict[tuple[str, ...], dict[str, int]] = {}
    for row in (await conn.execute(query)).mappings():
        key = tuple(str(row[d.name]) for d in dims)
        counts = found.setdefault(key, dict.fromkeys(RETENTION, 0))
        for name, span in RETENTION.items():
            counts[name] += retained(row["enrolled_at"], row["discharged_at"], span, now)
    return found
