"""One seeding run, as `leadctl seed` and the benchmarks do it: plan the sites, play the plan
through a write-behind store (the seeder is the store's only writer), then let every read
model catch up."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from composition.bootstrap import build
from infra.clock import SettableClock
from infra.eventstore import open_store, store_environment
from infra.keys import open_keyring
from infra.settings import Settings
from infra.write_behind import WriteBehindStore
from seeding.plan import Step, plan_site
from seeding.runner import Progress, SiteSeeder

END = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SeedPlan:
    sites: int = 1
    participants_per_site: int = 400
    years: float = 5
    seed: int = 1
    end: datetime = END

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=365 * self.years)

    def steps(self) -> list[Step]:
        steps: list[Step] = []
        for site in range(self.sites):
            rng = random.Random(self.seed * 100_003 + site)  # noqa: S311 (synthetic data)
            steps += plan_site(rng, site, self.participants_per_site, self.start, self.end)
        return steps


@dataclass
class SeedReport:
    events: int
    seconds: float  # playing the histories
    catch_up_seconds: float  # read models, after
    outcomes: Counter[str] = field(default_factory=Counter)
    # Ground truth for the duplicate search: the records of each person who has several.
    same_person: list[tuple[UUID, ...]] = field(default_factory=list)

    @property
    def events_per_second(self) -> float:
        return self.events / (self.seconds + self.catch_up_seconds)


def events_in(settings: Settings) -> int:
    """How many events the store holds (its head position: positions start at 1)."""
    store = open_store(settings)
    try:
        return store.table.head()
    finally:
        store.close()


def seed_store(
    settings: Settings,
    plan: SeedPlan,
    progress: Progress | None = None,
    on_steps: Callable[[int], None] | None = None,
) -> SeedReport:
    steps = plan.steps()
    if on_steps:
        on_steps(len(steps))
    clock = SettableClock(plan.start)
    store = WriteBehindStore(env=store_environment(settings), keyring=open_keyring(settings))
    container = build(settings, clock=clock, store=store)
    try:
        seeder = SiteSeeder(container, clock)
        began, first = time.perf_counter(), store.table.head()
        seeder.prepare(plan.sites, plan.participants_per_site)
        people = list({id(step.person): step.person for step in steps}.values())
        outcomes = seeder.run(steps, progress)
        store.flush(final=True)
        played = time.perf_counter()
        seeder.catch_up_read_models()
        return SeedReport(
            store.table.head() - first,
            played - began,
            time.perf_counter() - played,
            outcomes,
            [tuple(p.participant_ids) for p in people if len(p.participant_ids) > 1],
        )
    finally:
        container.close()
