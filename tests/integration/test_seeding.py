"""The seeder plays synthetic histories through the use cases: same seed, same history."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from cli.main import app
from composition.bootstrap import build
from infra.clock import SettableClock
from infra.eventstore import LeadStore, store_environment
from infra.settings import Settings
from infra.write_behind import WriteBehindStore
from seeding.plan import plan_site
from seeding.runner import SiteSeeder
from seeding.session import SeedPlan, seed_store
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration
END = datetime(2026, 11, 1, tzinfo=UTC)


def test_same_seed_plans_the_same_history() -> None:
    first = plan_site(random.Random(7), 0, 40, END - timedelta(days=365), END)
    again = plan_site(random.Random(7), 0, 40, END - timedelta(days=365), END)
    assert [(s.at, s.kind) for s in first] == [(s.at, s.kind) for s in again]
    assert {"refer", "intake", "roi", "contact", "matter"} <= {s.kind for s in first}
    assert {"handoff", "report_request", "missed_diversion"} <= {s.kind for s in first}


def test_seeded_site_enrolls_people_and_records_legal_work(settings: Settings) -> None:
    clock = SettableClock(END - timedelta(days=365))
    container = build(settings, clock=clock)
    try:
        seeder = SiteSeeder(container, clock)
        seeder.prepare(sites=1, participants_per_site=40)
        outcomes = seeder.run(plan_site(random.Random(3), 0, 40, END - timedelta(days=365), END))
        assert outcomes["refer"] >= 40
        assert outcomes["intake"] > 20
        assert outcomes["contact"] > 200
        # issue 16: handoffs, report requests and answers, missed diversions, departures
        assert outcomes["handoff"] > 5 and outcomes["report_request"] >= 1
        assert outcomes["missed_diversion"] >= 1
        assert (outcomes["retire"], outcomes["reactivate"]) == (2, 1)
        unexpected = {
            k: v
            for k, v in outcomes.items()
            if ":" in k
            and not k.endswith(
                (":StateConflict", ":DecisionNotAllowed", ":skipped", ":RoiDoesNotCover")
            )
        }
        assert unexpected == {}
        assert container.store.table.head() > outcomes["contact"]
        assert seeder.catch_up_read_models() > 0
        assert container.projector.run_until_caught_up() == 0
    finally:
        container.close()


def played(settings: Settings, store: LeadStore | None) -> list[tuple[str, int, int]]:
    """The stored log of a small seeded site: topic, originator (by first appearance) and
    version of each event, in log order."""
    clock = SettableClock(END - timedelta(days=365))
    container = build(settings, clock=clock, store=store)
    try:
        seeder = SiteSeeder(container, clock)
        seeder.prepare(sites=1, participants_per_site=30)
        seeder.run(plan_site(random.Random(5), 0, 30, END - timedelta(days=365), END))
        seeder.flush()
        first_seen: dict[UUID, int] = {}
        return [
            (n.topic, first_seen.setdefault(n.originator_id, len(first_seen)), n.originator_version)
            for n in container.store.recorder.select_notifications(start=1, limit=100_000)
        ]
    finally:
        container.close()


def test_write_behind_store_writes_the_log_a_direct_seed_writes(
    tmp_path: Path, sqlite_template: Path
) -> None:
    def fresh(name: str) -> Settings:
        shutil.copy(sqlite_template, tmp_path / name)
        return Settings(database_url=f"sqlite:///{tmp_path / name}", secret_key="x" * 40)

    direct = played(fresh("direct.sqlite3"), None)
    behind_settings = fresh("behind.sqlite3")
    behind = played(behind_settings, WriteBehindStore(env=store_environment(behind_settings)))
    assert len(direct) > 400
    assert behind == direct


def test_seed_store_leaves_read_models_current(settings: Settings) -> None:
    report = seed_store(settings, SeedPlan(participants_per_site=40, years=2, end=END))
    container = build(settings)
    try:
        assert report.events == container.store.table.head() > 500
        assert report.outcomes["refer"] >= 40
        assert container.projector.run_until_caught_up() == 0  # nothing left to project
    finally:
        container.close()


def test_leadctl_seed_reports_what_it_wrote(settings: Settings) -> None:
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_SECRET_KEY": TEST_SECRET}
    args = ["seed", "--participants-per-site", "12", "--years", "0.5", "--seed", "4"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    container = build(settings)
    try:
        assert f"{container.store.table.head():,} events" in result.output
    finally:
        container.close()
