"""Resource limits: bodies past the limit are 413 however they arrive, pathological JSON is a
4xx (never a 500), page sizes past 500 are 422 on every paged route, and a client over its
rate is 429 with Retry-After (token exchanges by source address, calls by client)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from api.app import create_app
from composition.bootstrap import build
from infra.clock import SettableClock
from infra.settings import Settings
from services.container import Container
from tests.conftest import TEST_SECRET, headers_for
from tests.e2e.security_table import allowed_roles, served_routes, url_of

pytestmark = pytest.mark.e2e

TEN_MB = 10_000_000
SPEC_APP = create_app(
    SimpleNamespace(settings=Settings(secret_key=TEST_SECRET)),  # type: ignore[arg-type]
    background=False,
)
WRITES = [route for route in served_routes(SPEC_APP) if route[0] in {"POST", "PUT"}]


def body_headers(container: Container, method: str, path: str) -> dict[str, str]:
    """As the route's own caller would send them, so the route really reads the body."""
    form = path == "/v1/auth/token"
    kind = "application/x-www-form-urlencoded" if form else "application/json"
    return headers_for(container, caller_of(method, path), "pcg") | {"content-type": kind}


def json_headers(container: Container, role: str) -> dict[str, str]:
    return headers_for(container, role, "pcg") | {"content-type": "application/json"}


def caller_of(method: str, path: str) -> str:
    return min(allowed_roles(method, path), default="auditor")


async def chunks(total: int, size: int = 1 << 20) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * size
        sent += size


@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
async def test_ten_megabytes_are_413_on_every_write(
    http: httpx.AsyncClient, container: Container, method: str, path: str
) -> None:
    headers = body_headers(container, method, path)
    declared = await http.request(
        method, url_of(path), content=b"{" + b" " * TEN_MB + b"}", headers=headers
    )
    streamed = await http.request(method, url_of(path), content=chunks(TEN_MB), headers=headers)
    assert (declared.status_code, streamed.status_code) == (413, 413)
    assert streamed.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("depth", [10_000, 100_000])
@pytest.mark.parametrize("path", ["/v1/referrals", "/v1/policy"])
async def test_deeply_nested_json_is_a_4xx(
    http: httpx.AsyncClient, container: Container, path: str, depth: int
) -> None:
    method = "PUT" if path == "/v1/policy" else "POST"
    headers = json_headers(container, "project_manager" if method == "PUT" else "police")
    for body in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        response = await http.request(method, path, content=body, headers=headers)
        assert 400 <= response.status_code < 500, response.text[:200]
        assert response.headers["content-type"] == "application/problem+json"
    nested_field = {"door": "community", "person": {"given_name": [[[[[[[[[[[[]]]]]]]]]]]]}}
    police = json_headers(container, "police")
    response = await http.post("/v1/referrals", json=nested_field, headers=police)
    assert response.status_code == 422


def paged_routes() -> list[tuple[str, str]]:
    document = SPEC_APP.openapi()
    return sorted(
        ("GET", path)
        for path, item in document["paths"].items()
        if any(p["name"] == "limit" for p in item.get("get", {}).get("parameters", []))
    )


@pytest.mark.parametrize("limit", ["501", "1000000000", "1" + "0" * 30, "-1", "0", "1e9", "5.5"])
async def test_page_sizes_past_the_maximum_are_422(
    http: httpx.AsyncClient, container: Container, limit: str
) -> None:
    routes = paged_routes()
    assert len(routes) >= 3
    for method, path in routes:
        headers = headers_for(container, caller_of(method, path), "pcg")
        response = await http.get(url_of(path), params={"limit": limit}, headers=headers)
        assert response.status_code == 422, f"{path}: {response.status_code}"
        assert "query.limit" in [e["field"] for e in response.json()["errors"]], path


@pytest.fixture
def throttled(settings: Settings, clock: SettableClock) -> Iterator[Container]:
    """A container with small budgets: 3 writes, 5 reads, 2 token requests, slow refill."""
    limits: dict[str, Any] = {
        "rate_limit_enabled": True,
        "rate_limit_write_burst": 3,
        "rate_limit_writes_per_second": 0.5,
        "rate_limit_read_burst": 5,
        "rate_limit_reads_per_second": 0.5,
        "rate_limit_token_burst": 2,
        "rate_limit_token_per_minute": 6,
    }
    container = build(settings.model_copy(update=limits), clock=clock)
    yield container
    container.close()


@pytest.fixture
async def limited(throttled: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(throttled, background=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client


def assert_rate_limited(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/problems/rate-limited")
    retry_after = int(response.headers["retry-after"])
    assert retry_after >= 1
    return retry_after


async def test_a_client_over_its_write_rate_is_429_with_retry_after(
    limited: httpx.AsyncClient, throttled: Container
) -> None:
    pm = headers_for(throttled, "project_manager", "pcg")
    register = {"name": "Casey Manager"}
    for _ in range(3):
        assert (
            await limited.post("/v1/case-managers", json=register, headers=pm)
        ).status_code == 201
    retry_after = assert_rate_limited(
        await limited.post("/v1/case-managers", json=register, headers=pm)
    )
    assert (await limited.get("/v1/policy", headers=pm)).status_code == 200  # reads: own budget
    supervisor = headers_for(throttled, "supervisor", "lead-cm")
    assert (
        await limited.post("/v1/case-managers", json=register, headers=supervisor)
    ).status_code == 201
    await asyncio.sleep(retry_after)
    assert (await limited.post("/v1/case-managers", json=register, headers=pm)).status_code == 201


async def test_a_client_over_its_read_rate_is_429(
    limited: httpx.AsyncClient, throttled: Container
) -> None:
    auditor = headers_for(throttled, "auditor", "sao")
    answers = [(await limited.get("/v1/policy", headers=auditor)).status_code for _ in range(6)]
    assert answers[:5] == [200] * 5
    assert_rate_limited(await limited.get("/v1/policy", headers=auditor))


async def test_token_requests_are_limited_by_source_before_any_secret_is_checked(
    limited: httpx.AsyncClient, throttled: Container
) -> None:
    form = {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "wrong"}
    statuses = [(await limited.post("/v1/auth/token", data=form)).status_code for _ in range(2)]
    assert statuses == [401, 401]
    limited_answer = await limited.post("/v1/auth/token", data=form)
    assert limited_answer.status_code == 429
    assert limited_answer.json()["error"] == "slow_down"  # RFC 6749 §5.2 shape
    assert int(limited_answer.headers["retry-after"]) >= 1
