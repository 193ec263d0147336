"""`leadctl seed`: realistic synthetic site histories through the service's own use cases."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from infra.bootstrap import build
from infra.clock import SettableClock
from infra.observability import configure_logging
from infra.positions import head_position
from infra.settings import Settings
from services.seeding.plan import Step, plan_site
from services.seeding.runner import SiteSeeder

console = Console()


def seed(
    sites: Annotated[int, typer.Option(min=1, max=1000)] = 1,
    participants_per_site: Annotated[int, typer.Option(min=1, max=100_000)] = 400,
    years: Annotated[float, typer.Option(min=0.1, max=30)] = 5,
    seed: Annotated[int, typer.Option(help="same seed, same history")] = 1,
    end: Annotated[str, typer.Option(help="last day of the history (UTC)")] = "2026-11-01",
) -> None:
    """Write synthetic histories; 1 site of 400 participants over 5 years is the 1x data set."""
    finish = datetime.fromisoformat(end).replace(tzinfo=UTC)
    start = finish - timedelta(days=365 * years)
    steps: list[Step] = []
    for site in range(sites):
        rng = random.Random(seed * 100_003 + site)  # noqa: S311 (synthetic data, not secrets)
        steps += plan_site(rng, site, participants_per_site, start, finish)
    configure_logging("WARNING", as_json=True)
    clock = SettableClock(start)
    container = build(Settings(), clock=clock)
    try:
        seeder = SiteSeeder(container, clock)
        seeder.prepare(sites, participants_per_site)
        began, first = time.perf_counter(), head_position(container.store)
        columns = (
            TextColumn("seeding"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} steps"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("seed", total=len(steps))
            outcomes = seeder.run(steps, lambda done, _: bar.update(task, completed=done))
        events = head_position(container.store) - first
        seconds = time.perf_counter() - began
        console.print(f"{events:,} events in {seconds:.0f} s ({events / seconds:,.0f} events/s)")
        console.print(dict(sorted(outcomes.items())))
    finally:
        container.close()
