"""Rate limits: token buckets per source address for POST /v1/auth/token (each exchange costs
an argon2 verification, ~100 ms of CPU) and per client for every authenticated call, writes on
a tighter budget than reads. Over budget: 429 problem+json with `Retry-After`.

The buckets live in the container (one set per process); limits are settings."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from infra.bootstrap import Container
from infra.settings import Settings

EXTRAS_KEY = "rate_limits"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One bucket of `burst` tokens per key, refilled at `rate` tokens per second."""

    def __init__(
        self,
        rate: float,
        burst: int,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}
        self.lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a token was taken, else the seconds until the next one."""
        with self.lock:
            now = self.clock()
            bucket = self.buckets.get(key) or Bucket(float(self.burst), now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self.buckets[key] = bucket
            if len(self.buckets) > self.max_keys:
                self.forget_idle(now)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / self.rate

    def forget_idle(self, now: float) -> None:
        """Drop the buckets that would be full by now: forgetting them changes nothing."""
        full_after = self.burst / self.rate
        self.buckets = {k: b for k, b in self.buckets.items() if now - b.updated < full_after}


@dataclass(frozen=True)
class RateLimits:
    tokens: TokenBuckets
    reads: TokenBuckets
    writes: TokenBuckets

    @classmethod
    def of(cls, s: Settings) -> RateLimits:
        return cls(
            tokens=TokenBuckets(s.rate_limit_token_per_minute / 60, s.rate_limit_token_burst),
            reads=TokenBuckets(s.rate_limit_reads_per_second, s.rate_limit_read_burst),
            writes=TokenBuckets(s.rate_limit_writes_per_second, s.rate_limit_write_burst),
        )


def limits_of(container: Container) -> RateLimits | None:
    if not container.settings.rate_limit_enabled:
        return None
    limits = container.extras.get(EXTRAS_KEY)
    if not isinstance(limits, RateLimits):
        limits = container.extras[EXTRAS_KEY] = RateLimits.of(container.settings)
    return limits


def check(buckets: TokenBuckets, key: str) -> None:
    wait = buckets.take(key)
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise HTTPException(
            429,
            f"rate limit exceeded; retry after {seconds} s",
            headers={"Retry-After": str(seconds)},
        )


def check_client(container: Container, method: str, client_id: str) -> None:
    """Every authenticated call, by client: reads and writes on separate budgets."""
    limits = limits_of(container)
    if limits is not None:
        check(limits.reads if method in READ_METHODS else limits.writes, client_id)


async def limit_token_requests(request: Request) -> None:
    """By source address: the client id is not authenticated yet when the limit applies."""
    limits = limits_of(request.app.state.container)
    if limits is not None:
        check(limits.tokens, request.client.host if request.client else "unknown")
