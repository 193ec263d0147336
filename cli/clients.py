"""`leadctl clients create|list|disable|enable|rotate-secret`: API clients of partner agencies.
Every change is recorded in the authentication audit with the operator as its source; a
disabled or rotated client's tokens stop working within `LEAD_CLIENT_CHECK_SECONDS`."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.startup import open_container
from domain.roles import ROLES

if TYPE_CHECKING:
    from infra.clients import Client
    from services.audit.client_lifecycle import ClientLifecycle

app = typer.Typer(help="API clients of partner agencies.", no_args_is_help=True)


@contextmanager
def lifecycle() -> Iterator[ClientLifecycle]:
    container = open_container()  # settings checked, store migrated (cli/startup.py)
    try:
        yield container.audit.clients
    finally:
        container.close()


def operator() -> str:
    return f"leadctl:{getpass.getuser()}"[:64]


def described(client: Client, **more: Any) -> str:
    return json.dumps(
        {
            "client_id": client.client_id,
            "agency": client.agency,
            "role": client.role,
            "name": client.name,
            "disabled": client.disabled,
            "secret_generation": client.generation,
        }
        | more
    )


def changed(client: Client | None, client_id: str, **more: Any) -> None:
    if client is None:
        raise typer.BadParameter(f"no client {client_id}")
    typer.echo(described(client, **more))


@app.command("create")
def create(
    agency: Annotated[str, typer.Option(help="agency slug, registered if new")],
    role: Annotated[str, typer.Option(help=f"one of {', '.join(sorted(ROLES))}")],
    name: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a client and print its credentials (the secret is shown only this once)."""
    with lifecycle() as clients:
        try:
            client, secret = clients.create(agency, role, name, operator())
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    typer.echo(described(client, client_secret=secret))


@app.command("list")
def list_clients() -> None:
    """Every client, one JSON object per line (no secrets: only their hashes are kept)."""
    with lifecycle() as clients:
        listing = clients.listing()
    for entry in listing:
        typer.echo(described(entry.client, created_at=entry.created_at.isoformat()))


@app.command("disable")
def disable(client_id: str) -> None:
    """No new tokens; the client's issued tokens stop working (the operator's lock)."""
    with lifecycle() as clients:
        changed(clients.disable(client_id, operator()), client_id)


@app.command("enable")
def enable(client_id: str) -> None:
    """Undo `disable` (also opens a client locked by the lockout of earlier versions)."""
    with lifecycle() as clients:
        changed(clients.enable(client_id, operator()), client_id)


@app.command("rotate-secret")
def rotate_secret(client_id: str) -> None:
    """A new secret, printed once; tokens issued with the old one stop working."""
    with lifecycle() as clients:
        rotated = clients.rotate_secret(client_id, operator())
    client, secret = rotated if rotated is not None else (None, "")
    changed(client, client_id, client_secret=secret)
