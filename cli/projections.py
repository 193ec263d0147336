"""`leadctl projections status|rebuild|failures|retry`."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from cli.startup import open_container

app = typer.Typer(help="Read models built from the event stream.", no_args_is_help=True)
console = Console()


@app.command()
def status() -> None:
    """Each projection's position, lag behind the store's head, and events set aside."""
    container = open_container()
    try:
        head = container.store.table.head()
        quarantined = container.projector.quarantine.counts()
        table = Table("projection", "position", "head", "lag", "quarantined")
        for name, position in container.projector.positions().items():
            aside = str(quarantined.get(name, 0))
            table.add_row(name, str(position), str(head), str(head - position), aside)
        console.print(table)
    finally:
        container.close()


@app.command()
def failures(
    name: Annotated[str | None, typer.Argument(help="one projection; all when omitted")] = None,
) -> None:
    """Events projections set aside because they could not apply them (the quarantine): the
    projection, the position, the event's type, the error's class and a summary with no
    personal data. `GET /readyz` says `degraded` while any are listed."""
    container = open_container()
    try:
        entries = container.projector.quarantine.entries(name)
    finally:
        container.close()
    if not entries:
        typer.echo("no events in quarantine")
    for e in entries:  # one line each, whole (a table would cut them to the terminal's width)
        since = e.quarantined_at.isoformat(timespec="seconds")
        typer.echo(
            f"{e.projection} position={e.position} event={e.event_type} error={e.error_class} "
            f"version={e.code_version} since={since}: {e.message}"
        )


@app.command()
def retry(
    names: Annotated[
        list[str] | None, typer.Argument(help="projections to retry; all when omitted")
    ] = None,
) -> None:
    """Re-apply the events set aside (after a fix): each applied once, then removed from the
    quarantine; one that fails again stays listed. Exit status 1 while any failed again."""
    from projections.retry import retry as retry_entries  # noqa: PLC0415 (cli/startup.py)

    container = open_container()
    try:
        known = {p.name for p in container.projector.projections}
        unknown = sorted(set(names or ()) - known)
        if unknown:
            raise typer.BadParameter(f"no projection named {', '.join(unknown)}")
        report = retry_entries(container.projector, names or ())
    finally:
        container.close()
    for projection, position in report.applied:
        typer.echo(f"{projection}: applied position {position}")
    for projection, position in report.failed:
        typer.echo(f"{projection}: position {position} failed again (still in quarantine)")
    typer.echo(f"{len(report.applied)} applied, {len(report.failed)} failed again")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def rebuild(
    names: Annotated[
        list[str] | None, typer.Argument(help="projections to rebuild; all when omitted")
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=1_000_000,
            help="events per transaction (default: BATCH, projections/rebuild.py)",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option(min=1, max=8, help="processes to rebuild in")] = 1,
) -> None:
    """Rebuild from position 0 into shadow tables and swap them in at the end: the API keeps
    serving the old view meanwhile. Projections in one process share one pass over the
    store; with --jobs they are split into groups of about equal work, one process each."""
    from cli.rebuild_jobs import partition, run_groups  # noqa: PLC0415 (cli/startup.py)

    container = open_container()
    try:
        known = {p.name for p in container.projector.projections}
        unknown = sorted(set(names or ()) - known)
        if unknown:
            raise typer.BadParameter(f"no projection named {', '.join(unknown)}")
        chosen = [p for p in container.projector.projections if not names or p.name in names]
        groups = partition(chosen, container.store.table.topic_counts(), jobs)
        head = container.store.table.head()
    finally:
        container.close()
    started = time.perf_counter()
    with Progress(*COLUMNS, console=console) as bar:
        task = bar.add_task("rebuild", total=head, rate=0.0)

        def advance(position: int) -> None:
            elapsed = bar.tasks[task].elapsed or 1e-9
            bar.update(task, completed=position, rate=position / elapsed)

        reports = run_groups(groups, batch_size, advance)
    seconds = time.perf_counter() - started
    for report in reports:
        console.print(
            f"{report.projection}: swapped in at position {report.position:,} after "
            f"{report.seconds:.1f} s ({report.events_read:,} events read)"
        )
    position = min(report.position for report in reports)
    console.print(
        f"rebuilt {len(chosen)} projections over {position:,} store positions in "
        f"{seconds:.1f} s: {position / seconds:,.0f} events/s "
        f"({sum(r.events_read for r in reports):,} events read, {len(groups)} process(es))"
    )


COLUMNS = (
    TextColumn("{task.description}"),
    BarColumn(),
    TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
    TextColumn("{task.fields[rate]:,.0f} ev/s"),
    TimeRemainingColumn(),
)
