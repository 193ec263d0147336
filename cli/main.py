"""`leadctl`: serve, migrate, worker, clients. Commands import what they use when they run
(cli/startup.py), so `leadctl --help` answers without loading the service."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from typing import Annotated

import typer

from cli import audit as audit_cli
from cli import projections as projections_cli
from cli import seed as seed_cli
from cli.startup import load_settings, open_container, require_migrated, where
from domain.roles import ROLES

app = typer.Typer(help="Operate a LEAD service.", no_args_is_help=True)
clients = typer.Typer(help="API clients of partner agencies.", no_args_is_help=True)
app.add_typer(clients, name="clients")
app.add_typer(projections_cli.app, name="projections")
app.command(name="seed")(seed_cli.seed)
app.add_typer(audit_cli.app, name="audit")


@app.command()
def migrate(revision: str = "head") -> None:
    """Create or upgrade every table (the event store's included)."""
    from infra import migrations  # noqa: PLC0415 (cli/startup.py)

    settings = load_settings()
    migrations.upgrade(settings, revision)
    typer.echo(f"migrated to {revision} ({where(settings)})")


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

    settings = load_settings()
    configure_logging(settings.log_level, as_json=settings.log_json)
    container = open_container(settings)
    try:
        while True:
            try:
                container.projector.run_until_caught_up()
            except Exception:  # noqa: BLE001 (the database restarting: retry next round)
                structlog.get_logger(__name__).exception("projector_batch_failed")
            time.sleep(min(settings.worker_tick_seconds, 0.5))
    finally:
        container.close()


@clients.command("create")
def create_client(
    agency: Annotated[str, typer.Option(help="agency slug, registered if new")],
    role: Annotated[str, typer.Option(help=f"one of {', '.join(sorted(ROLES))}")],
    name: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a client and print its credentials (the secret is shown only this once)."""
    from composition.bootstrap import sql_engine  # noqa: PLC0415
    from infra.clients import ClientRegistry  # noqa: PLC0415

    settings = load_settings()
    require_migrated(settings)
    registry = ClientRegistry(sql_engine(settings))
    try:
        client, secret = registry.create(agency, role, name, datetime.now(tz=UTC))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(
        json.dumps(
            {
                "client_id": client.client_id,
                "client_secret": secret,
                "agency": client.agency,
                "role": client.role,
            }
        )
    )


@clients.command("unlock")
def unlock_client(client_id: str) -> None:
    """Unlock a client locked after failed token requests (recorded in the audit)."""
    container = open_container()
    try:
        operator = f"leadctl:{os.environ.get('USER', 'operator')}"[:64]
        unlocked = container.audit.authentication.unlock(client_id, operator)
    finally:
        container.close()
    if not unlocked:
        raise typer.BadParameter(f"no client {client_id}")
    typer.echo(json.dumps({"client_id": client_id, "locked": False}))
