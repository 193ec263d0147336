"""The evaluation report as it was computed before the cells: every referral row grouped in
SQL, the days-to-intake histogram to Python, the median from it. Kept as the reference the
cell-based report must equal (tests) and the baseline it is timed against (bench)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.directory import participant_directory as directory
from projections.evaluation import evaluation_referrals as t
from projections.evaluation_queries import (
    MISSED,
    RETAINED,
    STAGES,
    EvaluationQuery,
    Group,
    stage_flags,
)


def column(dimension: str, period: str) -> ColumnElement[Any]:
    name = period if dimension == "period" else dimension
    return t.c[name].label(dimension)


def counted(flag: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.sum(case((flag, 1), else_=0))


def window(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    where = [] if start is None else [t.c.referred_at >= start]
    return where + ([] if end is None else [t.c.referred_at < end])


def median_days(histogram: dict[int, int]) -> float | None:
    n = sum(histogram.values())
    if n == 0:
        return None
    middle = [(n - 1) // 2, n // 2]
    picked: list[int] = []
    seen = 0
    for tenths, count in sorted(histogram.items()):
        picked += [tenths for index in middle if seen <= index < seen + count]
        seen += count
    return sum(picked) / len(picked) / 10


async def groups_from_rows(
    conn: AsyncConnection, query: EvaluationQuery
) -> tuple[list[Group], Group]:
    dims = [column(d, query.period) for d in query.by]
    where = window(query.start, query.end)
    stages = select(
        *dims,
        func.count().label("referred"),
        counted(t.c.declined).label("declined"),
        func.count(t.c.enrolled_at).label("enrolled"),
        counted(t.c.intake_expired).label("intake_expired"),
        func.count(t.c.discharged_at).label("discharged"),
        func.count(t.c.readmitted_at).label("readmitted"),
        func.count(t.c.handed_off_at).label("handed_off"),
        counted(t.c.handoff_within_30m).label("handed_off_within_30m"),
        counted(t.c.engaged_30d).label("engaged_30d"),
        func.coalesce(func.sum(t.c.days_to_intake), 0.0).label("days_total"),
    )
    stages = stages.where(*where).group_by(*dims).order_by(*dims)
    groups: dict[tuple[str, ...], Group] = {}
    for row in (await conn.execute(stages)).mappings():
        key = tuple(str(row[d]) for d in query.by)
        counts = {stage: int(row[stage] or 0) for stage in STAGES}
        counts |= dict.fromkeys((*RETAINED, MISSED), 0)
        groups[key] = Group(dict(zip(query.by, key, strict=True)), counts, float(row["days_total"]))
    histograms: dict[tuple[str, ...], dict[int, int]] = {key: {} for key in groups}
    tenths = t.c.intake_tenths
    histogram = select(*dims, tenths, func.count().label("n"))
    histogram = histogram.where(*where, tenths.is_not(None)).group_by(*dims, tenths)
    for row in (await conn.execute(histogram)).mappings():
        key = tuple(str(row[d]) for d in query.by)
        histograms[key][int(row["intake_tenths"])] = int(row["n"])
    totals, overall = Group({}), {}
    for key, group in groups.items():
        group.intakes, group.median_days = (
            sum(histograms[key].values()),
            median_days(histograms[key]),
        )
        totals.add(group)
        for value, count in histograms[key].items():
            overall[value] = overall.get(value, 0) + count
    totals.intakes, totals.median_days = sum(overall.values()), median_days(overall)
    await add_people(conn, query, groups, totals)
    return list(groups.values()), totals


async def add_people(
    conn: AsyncConnection,
    query: EvaluationQuery,
    groups: dict[tuple[str, ...], Group],
    totals: Group,
) -> None:
    """People per stage, as sets in Python: every row's person (the record it is linked
    into, else its own) and its stages."""
    dims = [column(d, query.period) for d in query.by]
    person = func.coalesce(directory.c.linked_to, t.c.participant_id).label("person")
    flags = [case((flag, True), else_=False).label(s) for s, flag in stage_flags().items()]
    joined = t.outerjoin(directory, directory.c.participant_id == t.c.participant_id)
    rows = select(*dims, person, *flags).select_from(joined)
    rows = rows.where(*window(query.start, query.end))
    found: dict[tuple[str, ...], dict[str, set[Any]]] = {}
    everyone: dict[str, set[Any]] = {stage: set() for stage in STAGES}
    for row in (await conn.execute(rows)).mappings():
        key = tuple(str(row[d]) for d in query.by)
        sets = found.setdefault(key, {stage: set() for stage in STAGES})
        for stage in STAGES:
            if row[stage]:
                sets[stage].add(row["person"])
                everyone[stage].add(row["person"])
    for key, sets in found.items():
        groups[key].people = {stage: len(people) for stage, people in sets.items()}
    totals.people = {stage: len(people) for stage, people in everyone.items()}
