"""Sending one webhook (Standard Webhooks 1.0): signed by the `standardwebhooks` package with
every secret in force (two during a rotation), posted with bounded timeouts, redirects never
followed (a 3xx is a failure: a receiver must not steer the service elsewhere)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from standardwebhooks.webhooks import Webhook


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no answer (timeout, refused, reset)
    error: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def signed_headers(
    secrets: Sequence[str], message_id: str, at: datetime, body: str
) -> dict[str, str]:
    signatures = " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": "lead-service-webhooks/1",
    }


class WebhookSender:
    def __init__(self, timeout_seconds: float) -> None:
        timeout = httpx.Timeout(timeout_seconds, connect=min(timeout_seconds, 5.0))
        self.client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)

    def post(self, url: str, headers: dict[str, str], body: str) -> Answer:
        try:  # streamed and never read: a receiver's answer body is not the service's load
            with self.client.stream(
                "POST", url, content=body.encode(), headers=headers
            ) as response:
                status = response.status_code
        except httpx.TimeoutException:
            return Answer(None, "timed out")
        except httpx.HTTPError as exc:
            return Answer(None, f"{type(exc).__name__}: {str(exc)[:200]}")
        error = None if 200 <= status < 300 else f"HTTP {status}"
        return Answer(status, error)

    def close(self) -> None:
        self.client.close()
