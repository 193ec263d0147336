"""The operator's changes to API clients (`leadctl clients ...`): each one is recorded in the
authentication audit with the operator as its source. A disabled or rotated client's tokens
stop working within `LEAD_CLIENT_CHECK_SECONDS` (infra/client_checks.py)."""

from __future__ import annotations

from infra.auth_log import CREATED, DISABLED, ENABLED, ROTATED
from infra.clients import Client, ClientListing, ClientRegistry
from infra.clock import Clock
from services.audit.authentication import AuthenticationAudit


class ClientLifecycle:
    def __init__(self, clients: ClientRegistry, audit: AuthenticationAudit, clock: Clock) -> None:
        self.clients = clients
        self.audit = audit
        self.clock = clock

    def create(self, agency: str, role: str, name: str, operator: str) -> tuple[Client, str]:
        client, secret = self.clients.create(agency, role, name, self.clock.now())
        self.audit.add(client, operator, CREATED, "client created by an operator")
        return client, secret

    def listing(self) -> list[ClientListing]:
        return self.clients.listing()

    def disable(self, client_id: str, operator: str) -> Client | None:
        return self.switch(client_id, operator, disabled=True)

    def enable(self, client_id: str, operator: str) -> Client | None:
        return self.switch(client_id, operator, disabled=False)

    def switch(self, client_id: str, operator: str, *, disabled: bool) -> Client | None:
        if not self.clients.set_disabled(client_id, disabled=disabled):
            return None
        client = self.clients.get(client_id)
        outcome, verb = (DISABLED, "disabled") if disabled else (ENABLED, "enabled")
        self.audit.add(client, operator, outcome, f"client {verb} by an operator")
        return client

    def rotate_secret(self, client_id: str, operator: str) -> tuple[Client, str] | None:
        """A new secret, shown once; every token issued with the old one stops working."""
        secret = self.clients.rotate_secret(client_id)
        client = self.clients.get(client_id)
        if secret is None or client is None:
            return None
        detail = f"secret rotated by an operator (generation {client.generation})"
        self.audit.add(client, operator, ROTATED, detail)
        return client, secret
