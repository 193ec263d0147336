"""The authentication audit (CJIS AU-2) and AC-7 by delay: every token request is recorded to
the hundredth of a second; failures slow down the (client, address) pair that makes them and
never lock the client out for its own agency."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.app import create_app
from domain.roles import ROLES
from infra.clock import SettableClock
from services.container import Container
from tests.conftest import headers_for
from tests.e2e.audit_helpers import auditor, get_json

pytestmark = pytest.mark.e2e

CENTISECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ$")
ELSEWHERE = "203.0.113.9"  # a partner agency's address (TEST-NET-3)


def new_client(container: Container) -> tuple[str, str]:
    client, secret = container.clients.create("spd", "police", "patrol", datetime.now(tz=UTC))
    return client.client_id, secret


async def ask(http: httpx.AsyncClient, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return (await http.post("/v1/auth/token", data=form)).status_code


async def audit_of(
    http: httpx.AsyncClient, container: Container, **params: Any
) -> list[dict[str, Any]]:
    page = await get_json(http, "/v1/audit/authentication", auditor(container), **params)
    items: list[dict[str, Any]] = page["items"]
    return items


@pytest.fixture
async def outsider(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """The same service, reached from another address."""
    transport = httpx.ASGITransport(
        app=create_app(container, background=False), client=(ELSEWHERE, 40000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client


async def test_failures_delay_the_address_exponentially_and_a_success_resets(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    client_id, secret = new_client(container)
    assert await ask(http, client_id, secret) == 200
    for _ in range(5):
        clock.advance(timedelta(seconds=30))
        assert await ask(http, client_id, "wrong-secret") == 401
    assert await ask(http, client_id, secret) == 429  # within 1 s of the 5th failure
    clock.advance(timedelta(seconds=1))
    assert await ask(http, client_id, "wrong-secret") == 401  # the 6th failure: now 2 s
    clock.advance(timedelta(seconds=1))
    assert await ask(http, client_id, secret) == 429
    clock.advance(timedelta(seconds=1))
    assert await ask(http, client_id, secret) == 200
    assert await ask(http, client_id, "wrong-secret") == 401  # counting starts again
    assert await ask(http, client_id, secret) == 200
    events = await audit_of(http, container, client_id=client_id)
    outcomes = [e["outcome"] for e in events]
    assert outcomes == [
        "success",
        *["failure"] * 5,
        "throttled",
        "failure",
        "throttled",
        "success",
        "failure",
        "success",
    ]
    failure = events[1]
    assert (failure["agency"], failure["role"], failure["source"]) == ("spd", "police", "127.0.0.1")
    assert events[6]["detail"] == "throttled: retry after 1 s"
    assert all(CENTISECONDS.match(e["at"]) for e in events), events


async def test_a_throttled_answer_says_when_to_retry(
    http: httpx.AsyncClient, container: Container
) -> None:
    client_id, _ = new_client(container)
    for _ in range(5):
        assert await ask(http, client_id, "wrong") == 401
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"}
    throttled = await http.post("/v1/auth/token", data=form)
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "1"
    assert throttled.json()["error"] == "slow_down"
    assert throttled.headers["cache-control"] == "no-store"


async def test_another_address_hammering_spd_does_not_stop_spd(
    http: httpx.AsyncClient, outsider: httpx.AsyncClient, container: Container
) -> None:
    """The lockout attack of issue 12: any partner could take SPD offline with five bad
    secrets. Now the outsider's own address waits, and SPD keeps getting tokens."""
    client_id, secret = new_client(container)
    answers = [await ask(outsider, client_id, f"guess-{n}") for n in range(30)]
    assert answers == [401] * 5 + [429] * 25
    assert [await ask(http, client_id, secret) for _ in range(3)] == [200] * 3
    assert container.clients.get(client_id).disabled is False  # type: ignore[union-attr]
    events = await audit_of(http, container, client_id=client_id)
    from_outsider = [e["outcome"] for e in events if e["source"] == ELSEWHERE]
    assert from_outsider == ["failure"] * 5 + ["throttled"] * 25  # AC-7: every failure kept
    assert [e["outcome"] for e in events if e["source"] == "127.0.0.1"] == ["success"] * 3


async def test_unknown_clients_are_throttled_like_known_ones(
    http: httpx.AsyncClient, container: Container
) -> None:
    answers = [await ask(http, "no-such-client", "x") for _ in range(6)]
    assert answers == [401] * 5 + [429]


async def test_unknown_clients_and_bad_requests_are_recorded(
    http: httpx.AsyncClient, container: Container
) -> None:
    assert await ask(http, "no-such-client", "x") == 401
    refused = await http.post("/v1/auth/token", data={"grant_type": "password"})
    assert refused.status_code == 400
    events = await audit_of(http, container, outcome="failure")
    assert [(e["client_id"], e["detail"]) for e in events] == [
        ("no-such-client", "unknown client"),
        (None, "only grant_type=client_credentials is supported"),
    ]


async def test_permission_denied_is_recorded_with_the_actor(
    http: httpx.AsyncClient, container: Container
) -> None:
    police = headers_for(container, "police", "spd", actor="badge-7")
    assert (await http.get("/v1/audit/verify", headers=police)).status_code == 403
    [denied] = await audit_of(http, container, outcome="denied")
    assert (denied["client_id"], denied["agency"], denied["role"]) == (
        "spd-police",
        "spd",
        "police",
    )
    assert denied["detail"] == "GET /v1/audit/verify"
    assert denied["actor"] == "badge-7"
    assert CENTISECONDS.match(denied["at"])


async def test_the_authentication_audit_is_for_auditors_and_pages(
    http: httpx.AsyncClient, container: Container
) -> None:
    for role in ROLES - {"auditor"}:
        response = await http.get(
            "/v1/audit/authentication", headers=headers_for(container, role, "x")
        )
        assert response.status_code == 403
    first = await get_json(http, "/v1/audit/authentication", auditor(container), limit=3)
    assert len(first["items"]) == 3
    rest = await get_json(
        http, "/v1/audit/authentication", auditor(container), cursor=first["next"]
    )
    events = first["items"] + rest["items"]
    assert sorted(e["role"] for e in events) == sorted(ROLES - {"auditor"})
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert rest["next"] is None
    for params in ({"outcome": "maybe"}, {"limit": 0}, {"cursor": "x"}):
        response = await http.get(
            "/v1/audit/authentication", params=params, headers=auditor(container)
        )
        assert response.status_code == 422, params


async def test_any_source_address_fits_its_column_and_is_counted(container: Container) -> None:
    """A forwarded address over 64 characters was a 500 on PostgreSQL, and the failed attempt
    was neither recorded nor counted: now it is cut to its column, recorded and throttled."""
    odd = "2001:db8::" + "f" * 300
    transport = httpx.ASGITransport(app=create_app(container, background=False), client=(odd, 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as far:
        client_id, _ = new_client(container)
        answers = [await ask(far, client_id, "wrong") for _ in range(6)]
        assert answers == [401] * 5 + [429]
        events = await audit_of(far, container, client_id=client_id)
    assert {e["source"] for e in events} == {odd[:64]}
    assert [e["outcome"] for e in events] == ["failure"] * 5 + ["throttled"]
