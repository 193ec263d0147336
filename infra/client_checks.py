"""Every authenticated request checks its token's client against the registry: a disabled
client, or a token of a secret since rotated, is refused. The answer is kept for at most
`ttl` seconds per client, so the registry is asked about once per client per interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from infra.clients import Client, ClientRegistry


@dataclass(frozen=True)
class Known:
    client: Client | None  # None: no such client
    until: float


class ClientChecks:
    def __init__(
        self,
        registry: ClientRegistry,
        ttl: float,
        monotonic: Callable[[], float] = time.monotonic,
        max_entries: int = 10_000,
    ) -> None:
        self.registry = registry
        self.ttl = ttl
        self.monotonic = monotonic
        self.max_entries = max_entries
        self.known: dict[str, Known] = {}
        self.lock = threading.Lock()

    def cached(self, client_id: str) -> Known | None:
        """The registry's answer if it is fresh (no I/O: safe on the event loop)."""
        entry = self.known.get(client_id)
        return entry if entry is not None and self.monotonic() < entry.until else None

    def load(self, client_id: str) -> Known:
        """Ask the registry (blocking: run it in the threadpool from async code)."""
        entry = Known(self.registry.get(client_id), self.monotonic() + self.ttl)
        with self.lock:
            if len(self.known) >= self.max_entries:
                self.known.clear()
            self.known[client_id] = entry
        return entry


def still_allowed(client: Client | None, agency: str, role: str, generation: int) -> bool:
    """The token's client exists, is enabled, and the token is of its current secret."""
    return (
        client is not None
        and not client.disabled
        and client.generation == generation
        and (client.agency, client.role) == (agency, role)
    )
