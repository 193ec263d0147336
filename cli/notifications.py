"""`leadctl agencies allow-webhook-host` and `leadctl subscriptions list`: the operator's side
of webhooks (issue 17). Which hosts an agency's webhooks may reach is the operator's choice,
never the agency's own."""

from __future__ import annotations

import json
import re
from typing import Annotated

import typer

from cli.startup import open_container, refuse

agencies_app = typer.Typer(
    help="Partner agencies: where their webhooks may go.", no_args_is_help=True
)
subscriptions_app = typer.Typer(help="Webhook subscriptions of every agency.", no_args_is_help=True)
HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


@agencies_app.command("allow-webhook-host")
def allow_webhook_host(
    agency: Annotated[str, typer.Argument(help="the agency's slug, e.g. spd")],
    host: Annotated[str, typer.Argument(help="a host name, e.g. hooks.spd.example")],
) -> None:
    """Let AGENCY's subscriptions send to HOST (https; its addresses must be public)."""
    host = host.strip().lower().rstrip(".")
    if not HOST.match(host):
        refuse(f"{host!r} is not a host name (no scheme, port or path)")
    container = open_container()
    try:
        if agency not in container.agencies.known([agency]):
            refuse(f"agency {agency!r} is not registered (leadctl clients create registers it)")
        container.notifications.rows.allow_host(agency, host, container.clock.now())
    finally:
        container.close()
    typer.echo(json.dumps({"agency": agency, "host": host, "allowed": True}))


@subscriptions_app.command("list")
def list_subscriptions() -> None:
    """One JSON object per subscription (no secrets): agency, URL, status, position, lag."""
    container = open_container()
    try:
        head = container.notifications.feed.log.head()
        for row in container.notifications.rows.listed():
            described = {
                "subscription_id": str(row.subscription_id),
                "agency": row.agency,
                "url": row.url,
                "types": list(row.types),
                "status": row.status,
                "status_reason": row.status_reason,
                "position": row.position,
                "lag_events": max(0, head - row.position),
                "failing_attempts": row.attempts,
            }
            typer.echo(json.dumps(described))
    finally:
        container.close()
