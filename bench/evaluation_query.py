"""Times the evaluation report's queries on an existing database, the per-row report of
before (bench/evaluation_rows.py) and the cells side by side in one run (interleaved,
medians), and checks that they agree:

    python -m bench.evaluation_query postgresql+psycopg://postgres@127.0.0.1:5432/NAME

Read-only: it only runs SELECTs."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench.evaluation_rows import groups_from_rows
from projections.evaluation_queries import EvaluationQuery, Group, evaluation_groups

QUERIES = {
    "by=door,race": EvaluationQuery(by=("door", "race")),
    "by=period,door quarter": EvaluationQuery(by=("period", "door"), period="quarter"),
    "by=race from/to mid-month": EvaluationQuery(
        datetime(2023, 3, 17, 9, tzinfo=UTC), datetime(2025, 8, 3, tzinfo=UTC), ("race",)
    ),
}


async def timed(conn: AsyncConnection, query: EvaluationQuery, *, cells: bool) -> float:
    began = time.perf_counter()
    await (evaluation_groups if cells else groups_from_rows)(conn, query)
    return (time.perf_counter() - began) * 1000


def same(a: tuple[list[Group], Group], b: tuple[list[Group], Group]) -> bool:
    def shown(g: Group) -> tuple[object, ...]:
        return (g.key, g.counts, round(g.days_total, 6), g.intakes, g.median_days)

    return [shown(g) for g in [*a[0], a[1]]] == [shown(g) for g in [*b[0], b[1]]]


async def main(url: str, runs: int) -> None:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        for name, query in QUERIES.items():
            rows = await groups_from_rows(conn, query)
            agree = same(rows, await evaluation_groups(conn, query))
            taken: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(runs):
                for cells in (False, True):
                    taken[cells].append(await timed(conn, query, cells=cells))
            before, after = (statistics.median(taken[c]) for c in (False, True))
            line = f"{name:28} rows {before:7.2f} ms  cells {after:7.2f} ms  agree={agree}"
            print(line, f" p95 cells {sorted(taken[True])[int(runs * 0.95) - 1]:.2f}")  # noqa: T201
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, arguments.runs))
