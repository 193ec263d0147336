"""Missed diversions in the equity figures (DOMAIN.md: the continuum starts from
diversion-eligible arrests): one row per diversion-eligible arrest booked instead, in the
cohort month of the arrest, with the person's race, ethnicity and gender as recorded. The
figures count them under the arrest diversion door: eligible arrests are those diverted plus
those missed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from eventsourcing.utils import get_topic
from sqlalchemy import Column, Connection, DateTime, Table, Text, Uuid, and_, func, literal
from sqlalchemy import select as sql_select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.doors import Door
from domain.missed_diversion import MissedDiversion
from infra.tables import metadata
from projections.engine import BatchProjection, Item
from projections.evaluation import UNKNOWN, race_group
from projections.sql import Row, upsert_many

evaluation_missed = Table(
    "evaluation_missed_diversions",
    metadata,
    Column("missed_diversion_id", Uuid, primary_key=True),
    Column("door", Text, nullable=False),
    Column("arrested_at", DateTime(timezone=True), nullable=False, index=True),
    Column("month", Text, nullable=False),
    Column("quarter", Text, nullable=False),
    Column("year", Text, nullable=False),
    Column("race", Text, nullable=False),
    Column("ethnicity", Text, nullable=False),
    Column("gender", Text, nullable=False),
)


def missed_row(event: Any) -> Row:
    at: datetime = event.arrested_at.astimezone(UTC)
    return {
        "missed_diversion_id": event.originator_id,
        "door": Door.ARREST_DIVERSION,
        "arrested_at": at,
        "month": f"{at.year:04d}-{at.month:02d}",
        "quarter": f"{at.year:04d}-Q{(at.month - 1) // 3 + 1}",
        "year": f"{at.year:04d}",
        "race": race_group(event.demographics),
        "ethnicity": event.demographics.ethnicity or UNKNOWN,
        "gender": event.demographics.gender or UNKNOWN,
    }


class MissedDiversionFigures(BatchProjection):
    name = "evaluation_missed_diversions"
    tables = (evaluation_missed,)
    topics = frozenset({get_topic(MissedDiversion.Recorded)})

    def apply_batch(self, conn: Connection, items: list[Item]) -> None:
        rows = [missed_row(event) for _, event in items]
        upsert_many(conn, evaluation_missed, rows, keys=["missed_diversion_id"])


async def missed_counts(
    conn: AsyncConnection, by: tuple[str, ...], period: str, window: tuple[Any, Any]
) -> dict[tuple[str, ...], int]:
    """Per group key, the missed diversions whose arrest lies in [from, to)."""
    t = evaluation_missed
    names = [period if d == "period" else d for d in by]
    dims = [t.c[name].label(d) for name, d in zip(names, by, strict=True)]
    start, end = window
    bounds = [] if start is None else [t.c.arrested_at >= start]
    bounds += [] if end is None else [t.c.arrested_at < end]
    query = sql_select(*dims, func.count().label("n")).where(and_(literal(value=True), *bounds))
    rows = (await conn.execute(query.group_by(*dims))).mappings()
    return {tuple(str(row[d]) for d in by): int(row["n"]) for row in rows}
