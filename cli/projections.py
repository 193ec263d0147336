"""`leadctl projections status|rebuild`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from infra.bootstrap import build
from infra.positions import head_position
from infra.settings import Settings
from projections.rebuild import Rebuilder

app = typer.Typer(help="Read models built from the event stream.", no_args_is_help=True)
console = Console()


@app.command()
def status() -> None:
    """Each projection's position and lag behind the store's head."""
    container = build(Settings())
    try:
        head = head_position(container.store)
        table = Table("projection", "position", "head", "lag")
        for name, position in container.projector.positions().items():
            table.add_row(name, str(position), str(head), str(head - position))
        console.print(table)
    finally:
        container.close()


@app.command()
def rebuild(
    names: Annotated[
        list[str] | None, typer.Argument(help="projections to rebuild; all when omitted")
    ] = None,
    batch_size: int = 10_000,
) -> None:
    """Rebuild from position 0 into shadow tables and swap them in at the end: the API keeps
    serving the old view meanwhile. All projections rebuild in one pass over the store."""
    container = build(Settings())
    try:
        known = {p.name for p in container.projector.projections}
        unknown = sorted(set(names or ()) - known)
        if unknown:
            raise typer.BadParameter(f"no projection named {', '.join(unknown)}")
        chosen = [p for p in container.projector.projections if not names or p.name in names]
        rebuilder = Rebuilder(container.store, container.sql, chosen, batch_size)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f}"),
            TextColumn("{task.fields[rate]:,.0f} ev/s"),
            TimeRemainingColumn(),
        )
        head = head_position(container.store)
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("rebuild", total=head, rate=0.0)

            def advance(position: int, head: int) -> None:
                elapsed = bar.tasks[task].elapsed or 1e-9
                bar.update(task, completed=position, total=head, rate=position / elapsed)

            report = rebuilder.run(advance)
        seconds = max(report.seconds, 1e-9)
        console.print(
            f"{report.projection}: {report.position:,} store positions "
            f"({report.events_read:,} events read and applied) in {report.seconds:.1f} s: "
            f"{report.position / seconds:,.0f} positions/s, "
            f"{report.events_read / seconds:,.0f} applied events/s; swapped in at position "
            f"{report.position:,}"
        )
    finally:
        container.close()
