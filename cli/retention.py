"""`leadctl retention due`: who the site's retention period says is due for review. It lists;
it forgets no one (that takes a request and an approval: POST …/forget)."""

from __future__ import annotations

import json

import typer

from cli.startup import open_container

app = typer.Typer(help="The retention review (nothing is forgotten here).", no_args_is_help=True)


@app.command()
def due() -> None:
    """One JSON line per person due: participant_id, basis, since, due_at."""
    container = open_container()
    try:
        container.projector.run_until_caught_up()
        days, due_now = container.retention.due()
    finally:
        container.close()
    if days is None:
        typer.echo("retention_days_after_discharge is not set: nobody is due", err=True)
    for each in due_now:
        line = {
            "participant_id": str(each.participant_id),
            "basis": each.basis,
            "since": each.since.isoformat(),
            "due_at": each.due_at.isoformat(),
        }
        typer.echo(json.dumps(line))
