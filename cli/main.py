"""`leadctl`: serve, migrate, worker, clients. Commands import what they use when they run
(cli/startup.py), so `leadctl --help` answers without loading the service."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import Any

import typer

from cli import audit as audit_cli
from cli import clients as clients_cli
from cli import notifications as notifications_cli
from cli import projections as projections_cli
from cli import retention as retention_cli
from cli import seed as seed_cli
from cli.startup import load_settings, open_container, require_migrated, where

app = typer.Typer(help="Operate a LEAD service.", no_args_is_help=True)
app.add_typer(clients_cli.app, name="clients")
app.add_typer(projections_cli.app, name="projections")
app.command(name="seed")(seed_cli.seed)
app.add_typer(audit_cli.app, name="audit")
app.add_typer(notifications_cli.agencies_app, name="agencies")
app.add_typer(notifications_cli.subscriptions_app, name="subscriptions")
app.add_typer(retention_cli.app, name="retention")


@app.callback()
def logs_to_stderr() -> None:
    """Operate a LEAD service."""
    # stdout carries the commands' JSON answers; log lines (e.g. where generated keys are)
    # go to stderr until `serve` or `worker` configures logging from settings.
    import structlog  # noqa: PLC0415 (cli/startup.py: --help stays fast)

    from infra import scrub  # noqa: PLC0415

    scrub.install()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            scrub.structlog_exceptions,  # messages may quote personal data: never as they are
            structlog.dev.ConsoleRenderer(),
        ],
        logger_factory=stderr_logger,
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
    )


def stderr_logger(*_: Any) -> Any:
    """The stream as it is when the line is written (test runners swap it)."""
    import structlog  # noqa: PLC0415

    return structlog.PrintLogger(sys.stderr)


@app.command()
def migrate(revision: str = "head") -> None:
    """Create or upgrade every table (the event store's included)."""
    from infra import migrations  # noqa: PLC0415 (cli/startup.py)
    from infra.plaintext import plaintext_participants  # noqa: PLC0415

    settings = load_settings()
    migrations.upgrade(settings, revision)
    typer.echo(f"migrated to {revision} ({where(settings)})")
    if plain := plaintext_participants(settings):
        typer.echo(
            f"note: {plain} participants were recorded before personal data was encrypted; "
            'forgetting them is refused (README: "Existing stores" says what to do)',
            err=True,
        )


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the API (with the projector and deadline worker in the background)."""
    from cli.serving import serve_api  # noqa: PLC0415

    settings = load_settings()  # refuse insecure settings before uvicorn forks
    require_migrated(settings)
    serve_api(settings, host, port, workers)


@app.command()
def worker(once: bool = False) -> None:
    """Run the projector, the intake-deadline worker and the audit sealer without the API."""
    from infra.observability import configure_logging  # noqa: PLC0415

    settings = load_settings()
    configure_logging(settings.log_level, as_json=settings.log_json)
    container = open_container(settings)
    try:
        if once:
            typer.echo(json.dumps(container.background.tick()))
            return
        container.background.run_until(threading.Event())
    finally:
        container.close()


@app.command()
def projector() -> None:
    """Run the projector alone (with LEAD_RUN_WORKER=false on the API processes)."""
    import structlog  # noqa: PLC0415

    from infra.observability import configure_logging  # noqa: PLC0415
    from infra.scrub import safe_summary  # noqa: PLC0415

    settings = load_settings()
    configure_logging(settings.log_level, as_json=settings.log_json)
    container = open_container(settings)
    try:
        while True:
            try:
                container.projector.run_until_caught_up()
            except Exception as exc:  # noqa: BLE001 (the database restarting: retry next round)
                structlog.get_logger(__name__).error(
                    "projector_batch_failed", error=safe_summary(exc)
                )
            time.sleep(min(settings.worker_tick_seconds, 0.5))
    finally:
        container.close()


@app.command()
def notifier() -> None:
    """Deliver webhooks without the API (with LEAD_RUN_NOTIFIER=false on the API processes;
    several may run: each subscription is leased to one at a time)."""
    from infra.observability import configure_logging  # noqa: PLC0415

    settings = load_settings()
    configure_logging(settings.log_level, as_json=settings.log_json)
    container = open_container(settings)
    try:
        container.notifications.deliverer.run_until(threading.Event())
    finally:
        container.close()
