"""Token buckets for rate limits: one set per process, sized by settings. The HTTP answer
to an empty bucket (429 with Retry-After) is the API's business: `api/rate_limit.py`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from infra.settings import Settings


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
