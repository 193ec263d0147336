"""Concurrent referral writers that retry each write until it is acknowledged, and a ledger
of what the service answered: the acknowledged writes are what the invariants are about."""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from reliability.clients import arrest_diversion, new_identifier

Body = Callable[[str], dict[str, Any]]
RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclass
class Write:
    """One logical write: one new person (its identifier), one key, retried until acked."""

    identifier: str
    key: str | None
    body: dict[str, Any]
    ack: dict[str, Any] | None = None
    attempts: int = 0


@dataclass
class Ledger:
    writes: list[Write] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    answers: list[tuple[float, int]] = field(default_factory=list)  # (monotonic, status)
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self, status: int, detail: str) -> None:
        with self.lock:
            self.statuses[str(status)] += 1
            self.answers.append((time.monotonic(), status))
            if (status >= 500 and status != 503) or status in (400, 401, 403, 404, 409, 422):
                self.unexpected.append(f"{status} {detail[:300]}")

    def failed(self, exc: Exception) -> None:
        with self.lock:
            self.statuses[type(exc).__name__] += 1

    def acked(self) -> list[Write]:
        with self.lock:
            return [w for w in self.writes if w.ack is not None]

    def first_success_after(self, moment: float) -> float | None:
        with self.lock:
            later = [t for t, status in self.answers if t >= moment and 200 <= status < 300]
        return min(later, default=None)

    def server_errors(self, *, besides: frozenset[int] = frozenset({503})) -> int:
        with self.lock:
            return sum(1 for _, status in self.answers if status >= 500 and status not in besides)


class Writers:
    """`count` threads writing new referrals until stopped; a write in progress when `stop` is
    called is still retried until acknowledged (or the drain deadline)."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        count: int = 8,
        *,
        keyed: bool = True,
        body: Body = arrest_diversion,
        timeout: float = 15,
    ) -> None:
        self.url = url  # may change while running: the writers follow it
        self.headers = headers
        self.keyed = keyed
        self.body = body
        self.timeout = timeout
        self.ledger = Ledger()
        self.stopping = threading.Event()
        self.drain_deadline = float("inf")
        self.threads = [
            threading.Thread(target=self.run, name=f"writer-{n}", daemon=True) for n in range(count)
        ]

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self, drain_seconds: float = 30) -> Ledger:
        self.drain_deadline = time.monotonic() + drain_seconds
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=drain_seconds + self.timeout + 5)
        return self.ledger

    def run(self) -> None:
        with httpx.Client(timeout=self.timeout) as client:
            while not self.stopping.is_set():
                identifier = new_identifier()
                key = f"rel-{uuid.uuid4().hex}" if self.keyed else None
                write = Write(identifier, key, self.body(identifier))
                with self.ledger.lock:
                    self.ledger.writes.append(write)
                self.write_until_acked(client, write)

    def write_until_acked(self, client: httpx.Client, write: Write) -> None:
        headers = self.headers | ({"Idempotency-Key": write.key} if write.key else {})
        while time.monotonic() < self.drain_deadline:
            write.attempts += 1
            try:
                response = client.post(f"{self.url}/v1/referrals", json=write.body, headers=headers)
            except httpx.HTTPError as exc:
                self.ledger.failed(exc)
                time.sleep(random.uniform(0.02, 0.1))  # noqa: S311 (jitter)
                continue
            self.ledger.answered(response.status_code, response.text)
            if response.status_code == 201:
                write.ack = response.json()
                return
            if response.status_code not in RETRYABLE:
                return  # refused: not acknowledged, and counted as unexpected
            wait = float(response.headers.get("Retry-After", "0.1") or 0.1)
            time.sleep(min(wait, 1.0) * random.uniform(0.5, 1.0))  # noqa: S311
