"""`leadctl seed`: realistic synthetic site histories through the service's own use cases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from cli.startup import load_settings, refuse, require_migrated, where

console = Console()


def seed(
    sites: Annotated[int, typer.Option(min=1, max=1000)] = 1,
    participants_per_site: Annotated[int, typer.Option(min=1, max=100_000)] = 400,
    years: Annotated[float, typer.Option(min=0.1, max=30)] = 5,
    seed: Annotated[int, typer.Option(help="same seed, same history")] = 1,
    end: Annotated[str, typer.Option(help="last day of the history (UTC)")] = "2026-11-01",
    into_existing: Annotated[
        bool, typer.Option(help="add to a store that already holds events")
    ] = False,
) -> None:
    """Write synthetic histories; 1 site of 400 participants over 5 years is the 1x data set.
    Run it on a store nothing else writes to (saves are batched in memory), and by default
    only on an empty one: made-up people do not belong beside real ones."""
    from infra.observability import configure_logging  # noqa: PLC0415 (cli/startup.py)
    from seeding.session import SeedPlan, events_in, seed_store  # noqa: PLC0415

    settings = load_settings()
    require_migrated(settings)
    held = events_in(settings)
    if held and not into_existing:
        refuse(
            f"{where(settings)} already holds {held:,} events: seed an empty store "
            "(another LEAD_DATABASE_URL), or pass --into-existing to add to it"
        )
    finish = datetime.fromisoformat(end).replace(tzinfo=UTC)
    plan = SeedPlan(sites, participants_per_site, years, seed, finish)
    configure_logging("WARNING", as_json=True)
    columns = (
        TextColumn("seeding"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} steps"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("seed", total=0)
        report = seed_store(
            settings,
            plan,
            progress=lambda done, _: bar.update(task, completed=done),
            on_steps=lambda total: bar.update(task, total=total),
        )
    console.print(
        f"{report.events:,} events: played in {report.seconds:.0f} s, read models caught up "
        f"in {report.catch_up_seconds:.0f} s ({report.events_per_second:,.0f} events/s)"
    )
    console.print(dict(sorted(report.outcomes.items())))
