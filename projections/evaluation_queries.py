"""Evaluation queries: stage counts per cohort group, and the days-to-intake histogram the
median comes from (in tenths of a day), both grouped in SQL by the dimensions asked for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.evaluation import evaluation_referrals as t

DIMENSIONS = ("door", "race", "ethnicity", "gender", "period")
PERIODS = ("month", "quarter", "year")
STAGES = ("referred", "declined", "enrolled", "intake_expired", "discharged", "readmitted")


@dataclass(frozen=True)
class EvaluationQuery:
    start: datetime | None = None
    end: datetime | None = None
    by: tuple[str, ...] = ()
    period: str = "month"


@dataclass
class Group:
    key: dict[str, str]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    days_total: float = 0.0
    histogram: dict[int, int] = field(default_factory=dict)  # tenths of a day -> referrals

    def add(self, other: Group) -> None:
        for stage, count in other.counts.items():
            self.counts[stage] += count
        self.days_total += other.days_total
        for tenths, count in other.histogram.items():
            self.histogram[tenths] = self.histogram.get(tenths, 0) + count


def column(dimension: str, period: str) -> ColumnElement[Any]:
    name = period if dimension == "period" else dimension
    return t.c[name].label(dimension)


def counted(flag: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.sum(case((flag, 1), else_=0))


async def evaluation_groups(conn: AsyncConnection, query: EvaluationQuery) -> list[Group]:
    dims = [column(d, query.period) for d in query.by]
    where = []
    if query.start is not None:
        where.append(t.c.referred_at >= query.start)
    if query.end is not None:
        where.append(t.c.referred_at < query.end)
    stages = select(
        *dims,
        func.count().label("referred"),
        counted(t.c.declined).label("declined"),
        func.count(t.c.enrolled_at).label("enrolled"),
        counted(t.c.intake_expired).label("intake_expired"),
        func.count(t.c.discharged_at).label("discharged"),
        func.count(t.c.readmitted_at).label("readmitted"),
        func.coalesce(func.sum(t.c.days_to_intake), 0.0).label("days_total"),
    )
    stages = stages.where(*where).group_by(*dims).order_by(*dims)
    groups: dict[tuple[str, ...], Group] = {}
    for row in (await conn.execute(stages)).mappings():
        key = tuple(str(row[d]) for d in query.by)
        groups[key] = Group(
            dict(zip(query.by, key, strict=True)),
            {stage: int(row[stage] or 0) for stage in STAGES},
            float(row["days_total"]),
        )
    tenths = t.c.intake_tenths
    histogram = select(*dims, tenths, func.count().label("n"))
    histogram = histogram.where(*where, tenths.is_not(None)).group_by(*dims, tenths)
    for row in (await conn.execute(histogram)).mappings():
        key = tuple(str(row[d]) for d in query.by)
        groups[key].histogram[int(row["intake_tenths"])] = int(row["n"])
    return list(groups.values())
