"""Token requests, recorded with who, from where, the outcome and the UTC time to hundredths
of a second (CJIS AU-2); repeated failures from one (client, address) pair make that pair
wait (AC-7 by delay, `services/audit/throttle.py`), never the client's agency elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from infra.auth_log import DENIED, FAILURE, LOCKED, SUCCESS, THROTTLED, AuthLog, AuthRecord
from infra.clients import Client, ClientRegistry
from infra.clock import Clock
from services.audit.throttle import seconds_to_wait
from services.jsonable import json_object


@dataclass(frozen=True)
class Granted:
    client: Client


@dataclass(frozen=True)
class Refused:
    """Unknown client, wrong secret or a disabled client: the caller is not told which."""


@dataclass(frozen=True)
class Throttled:
    retry_after: int


TokenDecision = Granted | Refused | Throttled


class AuthenticationAudit:
    def __init__(
        self,
        clients: ClientRegistry,
        log: AuthLog,
        clock: Clock,
        free_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
    ) -> None:
        self.clients = clients
        self.log = log
        self.clock = clock
        self.free_failures = free_failures
        self.window = window

    def authenticate(self, client_id: str, secret: str, source: str) -> TokenDecision:
        """Every attempt recorded; a throttled pair is turned away before its secret is checked
        (no argon2 work for the attacker's retries)."""
        wait = self.wait_for(client_id, source)
        if wait > 0:
            self.refused(source, f"throttled: retry after {wait} s", client_id, THROTTLED)
            return Throttled(wait)
        client = self.clients.authenticate(client_id, secret)
        if client is None:
            self.failed(client_id, source)
            return Refused()
        if client.disabled:
            self.add(client, source, LOCKED, "refused: the client is disabled")
            return Refused()
        self.add(client, source, SUCCESS, "token issued")
        return Granted(client)

    def wait_for(self, client_id: str, source: str) -> int:
        now = self.clock.now()
        failures, last = self.log.failures(client_id, source, now - self.window)
        return seconds_to_wait(failures, last, now, self.free_failures, self.window)

    def failed(self, client_id: str, source: str) -> None:
        known = self.clients.get(client_id)
        if known is None:
            self.refused(source, "unknown client", client_id)
        else:
            self.add(known, source, FAILURE, "wrong secret")

    def refused(
        self, source: str, detail: str, client_id: str | None = None, outcome: str = FAILURE
    ) -> None:
        """A token request turned away before (or without) a secret being checked."""
        self.log.add(AuthRecord(self.clock.now(), client_id, None, None, source, outcome, detail))

    def denied(
        self, client_id: str, agency: str, role: str, source: str, detail: str, actor: str = ""
    ) -> None:
        record = AuthRecord(
            self.clock.now(), client_id, agency, role, source, DENIED, detail, actor or None
        )
        self.log.add(record)

    def add(
        self,
        client: Client | None,
        source: str,
        outcome: str,
        detail: str,
        actor: str | None = None,
    ) -> None:
        agency, role = (client.agency, client.role) if client else (None, None)
        client_id = client.client_id if client else None
        record = AuthRecord(
            self.clock.now(), client_id, agency, role, source, outcome, detail, actor
        )
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
