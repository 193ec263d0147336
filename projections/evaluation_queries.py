"""Evaluation queries: stage counts per cohort group, and the median days to intake, both
computed in SQL by the dimensions asked for: the median from the days-to-intake histogram (in
tenths of a day), whose running sums find the one or two middle intakes, so only those leave
the database.

Whole cohort months are read from the cells (projections/evaluation_cells.py); the referral
rows are read only for the part of a [start, end) window that cuts a month, so a report costs
about the number of cells, not of referrals, and equals the one the rows alone give."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from projections.directory import participant_directory as directory
from projections.evaluation import evaluation_referrals as t
from projections.evaluation_cells import MICROS_PER_DAY
from projections.evaluation_cells import evaluation_cells as cells
from projections.evaluation_cells import evaluation_intake_histogram as bins
from projections.evaluation_cells import evaluation_intake_overall as overall
from projections.evaluation_missed import missed_counts
from projections.evaluation_months import Split, Window, split
from projections.evaluation_retention import retention_counts

DIMENSIONS = ("door", "race", "ethnicity", "gender", "period")
PERIODS = ("month", "quarter", "year")
STAGES = (
    "referred",
    "declined",
    "enrolled",
    "intake_expired",
    "discharged",
    "readmitted",
    "handed_off",
    "handed_off_within_30m",
    "engaged_30d",
)

RETAINED = ("retained_6m", "retained_12m")  # counted at report time (evaluation_retention.py)
MISSED = "missed_diversions"  # diversion-eligible arrests booked instead (evaluation_missed.py)
REPORTED = (*STAGES, *RETAINED, MISSED)

Key = tuple[str, ...]  # a group's values of the dimensions asked for


@dataclass(frozen=True)
class EvaluationQuery:
    start: datetime | None = None
    end: datetime | None = None
    by: tuple[str, ...] = ()
    period: str = "month"


@dataclass
class Group:
    key: dict[str, str]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REPORTED, 0))
    days_total: float = 0.0
    intakes: int = 0
    # people at each stage: a record linked into an earlier one is that person (issue 19)
    people: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    median_days: float | None = None  # of days to intake, to a tenth of a day

    def add(self, other: Group) -> None:
        """Counts and days add up; the intakes' median and the people are the database's
        to find (one person can be in two groups)."""
        for stage, count in other.counts.items():
            self.counts[stage] += count
        self.days_total += other.days_total


def in_windows(windows: list[Window]) -> ColumnElement[bool]:
    def within(start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
        bounds = [] if start is None else [t.c.referred_at >= start]
        bounds += [] if end is None else [t.c.referred_at < end]
        return and_(literal(value=True), *bounds)

    return or_(*(within(start, end) for start, end in windows))


def in_months(table: Any, months: tuple[str | None, str | None]) -> ColumnElement[bool]:
    first, last = months
    bounds = [] if first is None else [table.c.month >= first]
    bounds += [] if last is None else [table.c.month < last]
    return and_(literal(value=True), *bounds)


def dimensions(table: Any, query: EvaluationQuery) -> list[ColumnElement[Any]]:
    names = [query.period if d == "period" else d for d in query.by]
    return [table.c[name].label(d) for name, d in zip(names, query.by, strict=True)]


def counted(flag: ColumnElement[Any]) -> ColumnElement[Any]:
    return func.sum(case((flag, 1), else_=0))


def stage_sources(query: EvaluationQuery, where: Split) -> list[Select[Any]]:
    sources = []
    if where.windows:
        dims = dimensions(t, query)
        rows = select(
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
            cast(literal(0), BigInteger).label("days_micros"),
        )
        sources.append(rows.where(in_windows(where.windows)).group_by(*dims))
    if where.months is not None:
        dims = dimensions(cells, query)
        summed = select(
            *dims,
            *(func.sum(cells.c[stage]).label(stage) for stage in STAGES),
            cast(literal(0.0), Float).label("days_total"),
            func.sum(cells.c.days_micros).label("days_micros"),
        )
        sources.append(summed.where(in_months(cells, where.months)).group_by(*dims))
    return sources


def stage_flags() -> dict[str, ColumnElement[Any]]:
    """Each stage as a condition on a referral row."""
    return {
        "referred": t.c.referral_id.is_not(None),
        "declined": t.c.declined,
        "enrolled": t.c.enrolled_at.is_not(None),
        "intake_expired": t.c.intake_expired,
        "discharged": t.c.discharged_at.is_not(None),
        "readmitted": t.c.readmitted_at.is_not(None),
        "handed_off": t.c.handed_off_at.is_not(None),
        "handed_off_within_30m": t.c.handoff_within_30m,
        "engaged_30d": t.c.engaged_30d,
    }


async def people_counts(conn: AsyncConnection, query: EvaluationQuery) -> dict[Key, dict[str, int]]:
    """Per group, the people at each stage: distinct persons, a linked record counted as the
    earlier record it is linked into (the directory's `linked_to`, as it is now: an unlink
    makes them two again). Read from the referral rows of the window, not the month cells:
    distinct counts do not add up across cells."""
    person = func.coalesce(directory.c.linked_to, t.c.participant_id)
    dims = dimensions(t, query)
    people = [
        func.count(func.distinct(case((flag, person)))).label(stage)
        for stage, flag in stage_flags().items()
    ]
    joined = t.outerjoin(directory, directory.c.participant_id == t.c.participant_id)
    statement = select(*dims, *people).select_from(joined)
    statement = statement.where(in_windows([(query.start, query.end)])).group_by(*dims)
    found: dict[Key, dict[str, int]] = {}
    for row in (await conn.execute(statement)).mappings():
        key = tuple(str(row[d]) for d in query.by)
        found[key] = {stage: int(row[stage] or 0) for stage in STAGES}
    return found


def histogram_sources(query: EvaluationQuery, where: Split) -> list[Select[Any]]:
    sources = []
    if where.windows:
        dims = dimensions(t, query)
        tenths = t.c.intake_tenths
        rows = select(*dims, tenths, func.count().label("intakes"))
        rows = rows.where(in_windows(where.windows), tenths.is_not(None))
        sources.append(rows.group_by(*dims, tenths))
    if where.months is not None:
        table = overall if over_all_time(query, where) else bins
        dims = dimensions(table, query)
        summed = select(*dims, table.c.intake_tenths, func.sum(table.c.intakes).label("intakes"))
        if table is bins:
            summed = summed.where(in_months(bins, where.months))
        sources.append(summed.group_by(*dims, table.c.intake_tenths))
    return sources


def over_all_time(query: EvaluationQuery, where: Split) -> bool:
    return where.months == (None, None) and "period" not in query.by


def combined(sources: list[Select[Any]], *sums: str, ordered: bool = False) -> Select[Any]:
    """The sources' sums added up per group (in the groups' order if `ordered`). Cells never
    go back to zero (a referral row is never removed, and never changes group, month or days
    to intake once set), so every group found has referrals in it, as on the rows."""
    if len(sources) == 1:
        only = sources[0]
        return only.order_by(*only.selected_columns[: -len(sums)]) if ordered else only
    both = union_all(*sources).subquery()
    grouped = [column for name, column in both.c.items() if name not in sums]
    summed = select(*grouped, *(func.sum(both.c[s]).label(s) for s in sums)).group_by(*grouped)
    return summed.order_by(*grouped) if ordered else summed


def middle_bins(query: EvaluationQuery, where: Split) -> Select[Any]:
    """Per group, the histogram bins holding its middle intakes (indexes (n-1)//2 and n//2):
    those with seen <= n//2 < seen + count or seen <= (n-1)//2 < seen + count, that is
    2 * seen <= n <= 2 * (seen + count), with the intakes before the bin (seen) and in all (n)
    as window sums, so they go by the bins' number, not the referrals'."""
    bins = combined(histogram_sources(query, where), "intakes").subquery()
    group = [bins.c[d] for d in query.by]
    tenths, count = bins.c.intake_tenths, bins.c.intakes
    upto = func.sum(count).over(partition_by=group or None, order_by=tenths)
    every = func.sum(count).over(partition_by=group or None)
    running = [(upto - count).label("seen"), upto.label("upto"), every.label("n")]
    ranked = select(*group, tenths, *running).subquery()
    seen, n = ranked.c.seen, ranked.c.n
    middle = select(ranked).where(2 * seen <= n, n <= 2 * ranked.c.upto)
    return middle.order_by(*(ranked.c[d] for d in query.by), ranked.c.intake_tenths)


async def add_medians(
    conn: AsyncConnection, query: EvaluationQuery, where: Split, groups: dict[Key, Group]
) -> None:
    picked: dict[Key, list[int]] = {}
    for row in (await conn.execute(middle_bins(query, where))).mappings():
        key = tuple(str(row[d]) for d in query.by)
        n, seen, upto = int(row["n"]), int(row["seen"]), int(row["upto"])
        middle = [(n - 1) // 2, n // 2]
        chosen = picked.setdefault(key, [])
        chosen += [row["intake_tenths"] for index in middle if seen <= index < upto]
        groups[key].intakes = n
    for key, chosen in picked.items():
        groups[key].median_days = sum(chosen) / len(chosen) / 10


async def add_missed(
    conn: AsyncConnection, query: EvaluationQuery, groups: dict[Key, Group]
) -> None:
    """Missed diversions join their group (a group of them alone has nobody referred)."""
    window = (query.start, query.end)
    found = await missed_counts(conn, query.by, query.period, window)
    new = found.keys() - groups.keys()
    for key, count in found.items():
        group = groups.setdefault(key, Group(dict(zip(query.by, key, strict=True))))
        group.counts[MISSED] = count
    if new:  # in the groups' order
        ordered = sorted(groups.items())
        groups.clear()
        groups.update(ordered)


async def evaluation_groups(
    conn: AsyncConnection, query: EvaluationQuery, now: datetime | None = None
) -> tuple[list[Group], Group]:
    """The groups asked for, in order, and their totals; retention too when `now` is given."""
    where = split(query.start, query.end)
    stages = combined(
        stage_sources(query, where), *STAGES, "days_total", "days_micros", ordered=True
    )
    groups: dict[Key, Group] = {}
    for row in (await conn.execute(stages)).mappings():
        key = tuple(str(row[d]) for d in query.by)
        days = float(row["days_total"] or 0) + int(row["days_micros"] or 0) / MICROS_PER_DAY
        counts = {stage: int(row[stage] or 0) for stage in STAGES}
        counts |= dict.fromkeys((*RETAINED, MISSED), 0)
        groups[key] = Group(dict(zip(query.by, key, strict=True)), counts, days)
    await add_medians(conn, query, where, groups)
    if now is not None:
        window = (query.start, query.end)
        found = await retention_counts(conn, dimensions(t, query), window, now)
        for key, counts in found.items():
            if key in groups:
                groups[key].counts |= counts
        await add_missed(conn, query, groups)
    for key, people in (await people_counts(conn, query)).items():
        if key in groups:
            groups[key].people = people
    totals = Group({})
    for group in groups.values():
        totals.add(group)
    if query.by:
        totals.people = (await people_counts(conn, replace(query, by=()))).get((), totals.people)
    elif () in groups:
        totals.people = groups[()].people
    if query.by:
        await add_medians(conn, replace(query, by=()), where, {(): totals})
    else:
        totals.intakes, totals.median_days = groups[()].intakes, groups[()].median_days
    return list(groups.values()), totals
