"""`leadctl audit seal|checkpoint|verify`: the tamper-evident chain from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.startup import open_container

app = typer.Typer(help="The tamper-evident chain and its signed checkpoints.", no_args_is_help=True)


@app.command()
def seal() -> None:
    """Seal every event not sealed yet (the worker and the API's background loop do this)."""
    container = open_container()
    try:
        sealed = container.audit.sealer.run_until_caught_up()
        head = container.audit.sealer.head()
        typer.echo(json.dumps({"sealed": sealed, "position": head.position if head else None}))
    finally:
        container.close()


@app.command()
def checkpoint(
    out: Annotated[Path | None, typer.Option(help="write the checkpoint to this file")] = None,
) -> None:
    """Seal, then sign the head: {position, head, time, signature}. Keep it outside the
    database; `leadctl audit verify --from-checkpoint FILE` checks the store against it."""
    container = open_container()
    try:
        document = json.dumps(container.audit.sealer.checkpoint().to_json(), indent=2)
    finally:
        container.close()
    if out is None:
        typer.echo(document)
        return
    out.write_text(document + "\n")
    typer.echo(f"checkpoint written to {out}")


@app.command()
def verify(
    from_checkpoint: Annotated[
        Path | None, typer.Option(help="a checkpoint file written by `leadctl audit checkpoint`")
    ] = None,
    deep: Annotated[
        bool, typer.Option(help="decode every event in full, values inside it too (~5x slower)")
    ] = False,
) -> None:
    """Recompute the chain over every stored event; exit status 1 when anything is amiss."""
    from services.audit.checkpoints import Checkpoint  # noqa: PLC0415 (cli/startup.py)
    from services.audit.errors import InvalidCheckpoint  # noqa: PLC0415

    kept = None
    if from_checkpoint is not None:
        try:
            kept = Checkpoint.from_json(json.loads(from_checkpoint.read_text()))
        except (OSError, ValueError, InvalidCheckpoint) as exc:
            raise typer.BadParameter(f"{from_checkpoint}: {exc}") from None
    container = open_container()
    try:
        report = container.audit.verifier.verify(kept, deep=deep)
    finally:
        container.close()
    typer.echo(json.dumps(report, indent=2))
    checkpoint_failed = report["checkpoint"] is not None and not report["checkpoint"]["verified"]
    if not report["ok"] or checkpoint_failed:
        raise typer.Exit(1)
