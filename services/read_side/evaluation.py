"""Evaluation and equity figures for project managers and auditors: counts and rates per stage
by door, period and race/ethnicity, as JSON or CSV. Project managers get small cells
suppressed (a count from 1 to 10 reads "<11", and the rates and days-to-intake figures that
would reveal one are left out); auditors get exact counts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import InvalidInput
from infra.clock import Clock
from projections.directory import DirectoryProjection
from projections.evaluation import EvaluationProjection
from projections.evaluation_missed import MissedDiversionFigures
from projections.evaluation_queries import (
    DIMENSIONS,
    MISSED,
    PERIODS,
    REPORTED,
    STAGES,
    EvaluationQuery,
    Group,
    evaluation_groups,
)
from projections.freshness import Freshness
from services.jsonable import json_object

RATED = tuple(s for s in REPORTED[1:] if s != MISSED)  # of those referred
EXACT_ROLES = frozenset({"auditor"})
SMALL = range(1, 11)
SUPPRESSED = "<11"
Count = int | str


@dataclass(frozen=True)
class EvaluationReport:
    query: EvaluationQuery
    groups: list[Group]
    totals: Group
    position: int
    exact: bool = False  # small cells shown as counted (auditors)


class EvaluationView:
    def __init__(self, engine: AsyncEngine, freshness: Freshness, clock: Clock) -> None:
        self.engine = engine
        self.freshness = freshness
        self.clock = clock

    async def report(
        self, query: EvaluationQuery, role: str, min_position: int | None = None
    ) -> EvaluationReport:
        check_query(query)
        position = await self.freshness.wait(EvaluationProjection.name, min_position)
        await self.freshness.wait(MissedDiversionFigures.name, min_position)
        await self.freshness.wait(DirectoryProjection.name, min_position)  # its links
        async with self.engine.connect() as conn:
            groups, totals = await evaluation_groups(conn, query, self.clock.now())
        return EvaluationReport(query, groups, totals, position, role in EXACT_ROLES)


def check_query(query: EvaluationQuery) -> None:
    unknown = [d for d in query.by if d not in DIMENSIONS]
    if unknown or len(set(query.by)) != len(query.by):
        raise InvalidInput(f"by lists distinct names from {list(DIMENSIONS)}", field="by")
    if query.period not in PERIODS:
        raise InvalidInput(f"period must be one of {list(PERIODS)}", field="period")
    if query.start and query.end and query.start >= query.end:
        raise InvalidInput("from must be before to", field="from")


def shown(count: int, exact: bool) -> Count:
    return SUPPRESSED if not exact and count in SMALL else count


def figures(group: Group, exact: bool = True) -> dict[str, Any]:
    """A group's counts, rates and days to intake; without `exact`, nothing that would tell
    a count from 1 to 10 (a rate of a suppressed count or over one, a median of few)."""
    counts, referred, intakes = group.counts, group.counts["referred"], group.intakes
    hidden = {s for s in REPORTED if shown(counts[s], exact) == SUPPRESSED}
    few = shown(intakes, exact) == SUPPRESSED
    return {
        "counts": {s: shown(n, exact) for s, n in counts.items()},
        "people": {s: shown(n, exact) for s, n in group.people.items()},
        "rates": {
            s: round(counts[s] / referred, 4) if referred and not {s, "referred"} & hidden else None
            for s in RATED
        },
        "days_to_intake": {
            "count": shown(intakes, exact),
            "median": None if few else group.median_days,
            "mean": round(group.days_total / intakes, 2) if intakes and not few else None,
        },
    }


def report_json(report: EvaluationReport) -> dict[str, Any]:
    query = report.query
    return json_object(
        {
            "from": query.start,
            "to": query.end,
            "by": list(query.by),
            "period": query.period,
            "groups": [group.key | figures(group, report.exact) for group in report.groups],
            "totals": figures(report.totals, report.exact),
            "suppressed": not report.exact,
            "position": report.position,
        }
    )


def safe_cell(text: str) -> str:
    """Recorded values (a race, a gender) are free text: never let a spreadsheet run one."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(report: EvaluationReport) -> str:
    """One line per group: its dimensions, each stage's count and rate, days to intake."""
    header = [*report.query.by, *REPORTED, *(f"{s}_rate" for s in RATED)]
    header += ["intakes", "median_days_to_intake", "mean_days_to_intake"]
    header += [f"people_{s}" for s in STAGES]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for group in report.groups:
        row = figures(group, report.exact)
        days = row["days_to_intake"]
        writer.writerow(
            [
                *(safe_cell(group.key[d]) for d in report.query.by),
                *(row["counts"][s] for s in REPORTED),
                *("" if row["rates"][s] is None else row["rates"][s] for s in RATED),
                days["count"],
                "" if days["median"] is None else days["median"],
                "" if days["mean"] is None else days["mean"],
                *(row["people"][s] for s in STAGES),
            ]
        )
    return out.getvalue()
