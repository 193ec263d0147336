"""The authentication audit (CJIS AU-2, AC-7): token requests and permission denials are
recorded to the hundredth of a second; five failures within fifteen minutes lock a client
until an operator unlocks it with `leadctl clients unlock`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from cli.main import unlock_client
from domain.roles import ROLES
from infra.clock import SettableClock
from services.container import Container
from tests.conftest import TEST_SECRET, headers_for
from tests.e2e.audit_helpers import auditor, get_json

pytestmark = pytest.mark.e2e

CENTISECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ$")


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


async def test_five_failures_lock_until_an_operator_unlocks(
    http: httpx.AsyncClient,
    container: Container,
    clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client_id, secret = new_client(container)
    assert await ask(http, client_id, secret) == 200
    for _ in range(5):
        clock.advance(timedelta(seconds=30))
        assert await ask(http, client_id, "wrong-secret") == 401
    assert await ask(http, client_id, secret) == 401  # locked: the right secret is refused
    outcomes = [e["outcome"] for e in await audit_of(http, container, client_id=client_id)]
    assert outcomes == ["success", *["failure"] * 5, "locked_out", "locked"]
    monkeypatch.setenv("LEAD_DATABASE_URL", container.settings.database_url)
    monkeypatch.setenv("LEAD_SECRET_KEY", TEST_SECRET)
    unlock_client(client_id)
    assert await ask(http, client_id, secret) == 200
    events = await audit_of(http, container, client_id=client_id)
    assert [e["outcome"] for e in events[-2:]] == ["unlocked", "success"]
    failure = events[1]
    assert (failure["agency"], failure["role"], failure["source"]) == ("spd", "police", "127.0.0.1")
    assert all(CENTISECONDS.match(e["at"]) for e in events), events


async def test_failures_outside_the_window_or_before_a_success_do_not_count(
    http: httpx.AsyncClient, container: Container, clock: SettableClock
) -> None:
    client_id, secret = new_client(container)
    for _ in range(4):
        assert await ask(http, client_id, "wrong") == 401
    clock.advance(timedelta(minutes=16))
    assert await ask(http, client_id, "wrong") == 401  # 1 within the window
    assert await ask(http, client_id, secret) == 200
    for _ in range(4):
        assert await ask(http, client_id, "wrong") == 401  # 4 since the success
    assert await ask(http, client_id, secret) == 200
    assert container.clients.get(client_id).locked is False  # type: ignore[union-attr]


async def test_unknown_clients_and_bad_requests_are_recorded(
    http: httpx.AsyncClient, container: Container
) -> None:
    assert await ask(http, "no-such-client", "x") == 401
    refused = await http.post("/v1/auth/token", data={"grant_type": "password"})
    assert refused.status_code == 400
    events = await audit_of(http, container, outcome="failure")
    assert [(e["client_id"], e["detail"]) for e in events] == [
        ("no-such-client", "unknown client"),
        (None, "unsupported grant_type"),
    ]


async def test_permission_denied_is_recorded(http: httpx.AsyncClient, container: Container) -> None:
    police = headers_for(container, "police", "spd")
    assert (await http.get("/v1/audit/verify", headers=police)).status_code == 403
    [denied] = await audit_of(http, container, outcome="denied")
    assert (denied["client_id"], denied["agency"], denied["role"]) == (
        "spd-police",
        "spd",
        "police",
    )
    assert denied["detail"] == "GET /v1/audit/verify"
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
