"""Rate limits: token buckets per source address for POST /v1/auth/token (each exchange costs
an argon2 verification, ~100 ms of CPU) and per client for every authenticated call, writes on
a tighter budget than reads. Over budget: 429 problem+json with `Retry-After`.

The buckets (infra/rate_limits.py) are built by the composition root; limits are settings."""

from __future__ import annotations

import math

from fastapi import HTTPException, Request

from infra.rate_limits import TokenBuckets
from services.container import Container

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
    limits = container.rate_limits
    if limits is not None:
        check(limits.reads if method in READ_METHODS else limits.writes, client_id)


async def limit_token_requests(request: Request) -> None:
    """By source address: the client id is not authenticated yet when the limit applies."""
    limits = request.app.state.container.rate_limits
    if limits is not None:
        check(limits.tokens, request.client.host if request.client else "unknown")
