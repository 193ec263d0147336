"""A served site with the webhook deliverer running and a real receiver on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from api.app import create_app
from bench.receiver import Receiver, receiving
from composition.bootstrap import build
from infra.clock import SettableClock
from infra.settings import Settings
from services.container import Container
from tests.conftest import PATIENT, START, headers_for

FAST = {
    "webhook_allow_http_loopback": True,
    "webhook_timeout_seconds": 2.0,
    "webhook_retry_base_seconds": 0.2,
    "webhook_retry_cap_seconds": 1.0,
    "notifier_poll_seconds": 0.05,
}


@dataclass
class NotifySite:
    container: Container
    http: httpx.AsyncClient
    receiver: Receiver

    async def subscribe(
        self, role: str, agency: str, path: str, types: list[str], **extra: Any
    ) -> dict[str, Any]:
        """A subscription of `agency` to `path` on the receiver (its host allowed first)."""
        self.container.notifications.rows.allow_host(agency, "127.0.0.1", datetime.now(tz=UTC))
        response = await self.http.post(
            "/v1/subscriptions",
            json={"url": self.receiver.url(path), "types": types, **extra},
            headers=headers_for(self.container, role, agency),
        )
        assert response.status_code == 201, response.text
        made: dict[str, Any] = response.json()
        self.receiver.secrets[path] = made["secret"]
        return made

    def caught_up(self, timeout: float = 20) -> None:
        """Every active subscription is done with the whole log (delivered or skipped)."""
        notifications = self.container.notifications
        head = notifications.feed.log.head()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = notifications.rows.listed()
            if all(r.position >= head for r in rows if r.status == "active"):
                return
            time.sleep(0.05)
        behind = [(r.url, r.position, head) for r in notifications.rows.listed()]
        raise AssertionError(f"subscriptions still behind: {behind}")


@asynccontextmanager
async def notify_site(settings: Settings, **overrides: Any) -> AsyncIterator[NotifySite]:
    fast = settings.model_copy(update=FAST | overrides)
    container = build(fast, clock=SettableClock(START))
    container.notifications.feed.budget_seconds = PATIENT
    stopping = threading.Event()
    deliverer = threading.Thread(
        target=container.notifications.deliverer.run_until, args=(stopping,), daemon=True
    )
    transport = httpx.ASGITransport(app=create_app(container, background=False))
    try:
        with receiving() as receiver:
            async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as http:
                deliverer.start()
                yield NotifySite(container, http, receiver)
                stopping.set()
                deliverer.join(timeout=10)
    finally:
        stopping.set()
        await container.async_sql.dispose()
        container.close()
