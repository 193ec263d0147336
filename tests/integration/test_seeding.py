"""The seeder plays synthetic histories through the use cases: same seed, same history."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from infra.bootstrap import build
from infra.clock import SettableClock
from infra.positions import head_position
from infra.settings import Settings
from services.seeding.plan import plan_site
from services.seeding.runner import SiteSeeder

pytestmark = pytest.mark.integration
END = datetime(2026, 11, 1, tzinfo=UTC)


def test_same_seed_plans_the_same_history() -> None:
    first = plan_site(random.Random(7), 0, 40, END - timedelta(days=365), END)
    again = plan_site(random.Random(7), 0, 40, END - timedelta(days=365), END)
    assert [(s.at, s.kind) for s in first] == [(s.at, s.kind) for s in again]
    assert {"refer", "intake", "roi", "contact", "matter"} <= {s.kind for s in first}


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
        unexpected = {
            k: v
            for k, v in outcomes.items()
            if ":" in k
            and not k.endswith(
                (":StateConflict", ":DecisionNotAllowed", ":skipped", ":RoiDoesNotCover")
            )
        }
        assert unexpected == {}
        assert head_position(container.store) > outcomes["contact"]
        assert container.projector.run_until_caught_up() == 0
    finally:
        container.close()
