"""Token requests and permission denials, recorded with who, from where, the outcome and the
UTC time to hundredths of a second; too many failures lock the client (CJIS AC-7) until an
operator unlocks it (`leadctl clients unlock`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from infra.auth_log import (
    DENIED,
    FAILURE,
    LOCKED,
    LOCKED_OUT,
    SUCCESS,
    UNLOCKED,
    AuthLog,
    AuthRecord,
)
from infra.clients import Client, ClientRegistry
from infra.clock import Clock
from services.jsonable import json_object

OUTCOMES = (SUCCESS, FAILURE, LOCKED, LOCKED_OUT, UNLOCKED, DENIED)


class AuthenticationAudit:
    def __init__(
        self,
        clients: ClientRegistry,
        log: AuthLog,
        clock: Clock,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self.clients = clients
        self.log = log
        self.clock = clock
        self.max_failures = max_failures
        self.window = window

    def authenticate(self, client_id: str, secret: str, source: str) -> Client | None:
        """The client if the secret is right and it is not locked; every attempt recorded."""
        client = self.clients.authenticate(client_id, secret)
        known = client or self.clients.get(client_id)
        if client is not None:
            self.add(client, source, SUCCESS, "token issued")
            return client
        if known is not None and known.locked:
            self.add(known, source, LOCKED, "refused: the client is locked")
            return None
        if known is None:
            self.refused(source, "unknown client", client_id)
            return None
        self.add(known, source, FAILURE, "wrong secret")
        self.lock_if_too_many(known, source)
        return None

    def lock_if_too_many(self, client: Client, source: str) -> None:
        since = self.clock.now() - self.window
        if self.log.failures_since(client.client_id, since) >= self.max_failures:
            self.clients.set_locked(client.client_id, locked=True)
            minutes = int(self.window.total_seconds() // 60)
            detail = f"locked after {self.max_failures} failures within {minutes} minutes"
            self.add(client, source, LOCKED_OUT, detail)

    def refused(self, source: str, detail: str, client_id: str | None = None) -> None:
        """A token request turned away before any secret was checked."""
        named = client_id[:64] if client_id else None
        self.log.add(AuthRecord(self.clock.now(), named, None, None, source, FAILURE, detail))

    def denied(self, client_id: str, agency: str, role: str, source: str, detail: str) -> None:
        self.log.add(AuthRecord(self.clock.now(), client_id, agency, role, source, DENIED, detail))

    def unlock(self, client_id: str, operator: str) -> bool:
        if not self.clients.set_locked(client_id, locked=False):
            return False
        self.add(self.clients.get(client_id), operator, UNLOCKED, "unlocked by an operator")
        return True

    def add(self, client: Client | None, source: str, outcome: str, detail: str) -> None:
        agency, role = (client.agency, client.role) if client else (None, None)
        client_id = client.client_id if client else None
        record = AuthRecord(self.clock.now(), client_id, agency, role, source, outcome, detail)
        self.log.add(record)

    def page(
        self, after: int, limit: int, client_id: str | None, outcome: str | None
    ) -> dict[str, Any]:
        rows = self.log.page(after, limit + 1, client_id, outcome)
        items = [
            json_object({"id": ident, **vars(record)}) | {"at": centiseconds(record.at)}
            for ident, record in rows[:limit]
        ]
        return {"items": items, "next": str(rows[limit - 1][0]) if len(rows) > limit else None}


def centiseconds(moment: datetime) -> str:
    """RFC 3339 in UTC with hundredths of a second: 2026-11-24T12:00:00.25Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 10_000:02d}Z"
