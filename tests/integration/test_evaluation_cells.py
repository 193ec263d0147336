"""The evaluation cells on both stores, for a seeded site: a report summed from the cells,
medians found in SQL, equals the one computed before from every referral row (JSON and CSV)
for every grouping, period and window; the cells built
batch by batch equal a rebuild's (`leadctl projections rebuild evaluation`); the migration
fills them as the projection does."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from bench.evaluation_rows import groups_from_rows
from cli.main import app
from composition.bootstrap import build
from infra.migrations import downgrade, upgrade
from infra.settings import Settings
from projections.engine import Projector
from projections.evaluation import EvaluationProjection
from projections.evaluation_queries import EvaluationQuery, Group, evaluation_groups
from projections.tables import projection_positions
from seeding.session import SeedPlan, seed_store
from services.container import Container
from services.read_side.evaluation import EvaluationReport, report_csv, report_json
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration

PLAN = SeedPlan(participants_per_site=40, years=2)
TABLES = EvaluationProjection.tables
BYS = [
    (),
    ("door",),
    ("race", "period"),
    ("period", "door", "race", "ethnicity", "gender"),
    ("gender", "ethnicity"),
]
MID = datetime(2025, 7, 14, 15, 30, 12, 5, tzinfo=UTC)
WINDOWS = [
    (None, None),
    (datetime(2025, 2, 1, tzinfo=UTC), None),  # whole months only
    (None, MID),  # ends inside a month
    (datetime(2025, 3, 31, 23, 59, 59, tzinfo=UTC), MID),  # cuts a month at both ends
    (datetime(2025, 7, 1, tzinfo=UTC), MID),  # inside one month
    (datetime(2025, 7, 2, tzinfo=UTC), datetime(2025, 8, 1, tzinfo=UTC)),
    (datetime(2024, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),  # whole, aligned
    (datetime(2010, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC)),  # past both ends
]
QUERIES = [
    EvaluationQuery(start, end, by, period)
    for by, period, (start, end) in itertools.product(BYS, ("month", "quarter", "year"), WINDOWS)
]


@pytest.fixture
def seeded(settings: Settings) -> Iterator[Container]:
    seed_store(settings, PLAN)
    container = build(settings)
    yield container
    container.close()


# Issue 16's handoff figures come from events a downgrade below 0016 drops: no migration
# can count them again (a rebuild does); engagement within 30 days it counts from the rows.
HANDOFFS = frozenset({"handed_off_at", "handoff_within_30m", "handed_off", "handed_off_within_30m"})


def table_rows(
    container: Container, without: frozenset[str] = frozenset()
) -> dict[str, list[tuple[Any, ...]]]:
    with container.sql.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(
                    select(*(c for c in table.columns if c.name not in without)).order_by(
                        *table.primary_key.columns
                    )
                )
            ]
            for table in TABLES
        }


def shown(query: EvaluationQuery, groups: list[Group], totals: Group) -> tuple[Any, str]:
    """What a caller sees: the JSON and the CSV."""
    report = EvaluationReport(query, groups, totals, 0, exact=True)
    return report_json(report), report_csv(report)


async def both_reports(container: Container) -> list[tuple[Any, Any]]:
    pairs = []
    async with container.async_sql.connect() as conn:
        for query in QUERIES:
            rows = await groups_from_rows(conn, query)
            cells = await evaluation_groups(conn, query)
            pairs.append((shown(query, *rows), shown(query, *cells)))
    await container.async_sql.dispose()
    return pairs


def test_a_report_from_the_cells_equals_the_report_from_the_rows(seeded: Container) -> None:
    pairs = asyncio.run(both_reports(seeded))
    assert sum(len(rows[0]["groups"]) for rows, _ in pairs) > len(QUERIES) * 3
    for query, (rows, cells) in zip(QUERIES, pairs, strict=True):
        assert cells == rows, query


def test_cells_built_batch_by_batch_equal_a_rebuild(seeded: Container, settings: Settings) -> None:
    rebuilt = table_rows(seeded)  # the seeder catches read models up by a rebuild
    assert all(rebuilt.values())
    with seeded.sql.begin() as conn:
        for table in TABLES:
            conn.execute(delete(table))
        at_zero = projection_positions.c.name == EvaluationProjection.name
        conn.execute(update(projection_positions).where(at_zero).values(position=0))
    Projector(
        seeded.store, seeded.sql, [EvaluationProjection()], batch_size=97
    ).run_until_caught_up()
    assert table_rows(seeded) == rebuilt
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    result = CliRunner().invoke(app, ["projections", "rebuild", "evaluation"], env=env)
    assert result.exit_code == 0, result.output
    assert table_rows(seeded) == rebuilt


def test_the_migration_fills_the_cells_as_the_projection_does(
    seeded: Container, settings: Settings
) -> None:
    projected = table_rows(seeded, without=HANDOFFS)
    downgrade(settings, "0004")
    upgrade(settings)
    assert table_rows(seeded, without=HANDOFFS) == projected
