"""Rate limits: token buckets per source address for POST /v1/auth/token (each exchange costs
an argon2 verification, ~100 ms of CPU) and per client for every authenticated call, writes on
a tighter budget than reads. Over budget: 429 problem+json with `Retry-After`.

The buckets (infra/rate_limits.py) are built by the composition root; limits are settings."""

from __future__ import annotations

import math

from fastapi import HTTPException

from infra.rate_limits import TokenBuckets
from services.container import Container

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def seconds(wait: float) -> int:
    return max(1, math.ceil(wait)) if wait > 0 else 0


def check(buckets: TokenBuckets, key: str) -> None:
    if wait := seconds(buckets.take(key)):
        raise HTTPException(
            429,
            f"rate limit exceeded; retry after {wait} s",
            headers={"Retry-After": str(wait)},
        )


def check_client(container: Container, method: str, client_id: str) -> None:
    """Every authenticated call, by client: reads and writes on separate budgets."""
    limits = container.rate_limits
    if limits is not None:
        check(limits.reads if method in READ_METHODS else limits.writes, client_id)


def token_wait(container: Container, source: str) -> int:
    """Seconds before this source address may ask for a token again (0: now). By address:
    the client id is not authenticated yet when the limit applies."""
    limits = container.rate_limits
    return 0 if limits is None else seconds(limits.tokens.take(source))
