"""Subscriptions: only where the operator allowed, https to public addresses only, each owned
by its agency (another agency gets the 404 an unknown id gets), and bad input refused with a
problem and no change."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select

from api.app import create_app
from composition.bootstrap import build
from infra.settings import Settings
from infra.tables import webhook_subscriptions
from services.container import Container
from tests.conftest import headers_for

pytestmark = pytest.mark.e2e
ENROLLED = ["participant.enrolled"]
# (url, host the operator allowed for spd, why it is refused); http to loopback is refused
# here because LEAD_WEBHOOK_ALLOW_HTTP_LOOPBACK is not set in these tests.
REFUSED = [
    ("https://hooks.other.example/x", "hooks.spd.example", "not-allowed host"),
    ("http://127.0.0.1:9/x", "127.0.0.1", "http to loopback, not allowed"),
    ("https://127.0.0.1/x", "127.0.0.1", "loopback"),
    ("https://10.0.0.7/x", "10.0.0.7", "private"),
    ("https://192.168.1.20/x", "192.168.1.20", "private"),
    ("https://169.254.169.254/latest/meta-data", "169.254.169.254", "cloud metadata"),
    ("https://[::1]/x", "::1", "IPv6 loopback"),
    ("https://[fe80::1]/x", "fe80::1", "link-local"),
    ("https://localhost/x", "localhost", "loopback by name"),
    ("ftp://hooks.spd.example/x", "hooks.spd.example", "not http"),
    ("https://user:pw@hooks.spd.example/x", "hooks.spd.example", "credentials in the URL"),
    ("http://93.184.215.14/x", "93.184.215.14", "plain http to a public address"),
]
INVALID = [
    {"url": "https://hooks.spd.example/x", "types": ["participant.renamed"]},
    {"url": "https://hooks.spd.example/x", "types": []},
    {"url": "https://hooks.spd.example/x"},
    {"types": ENROLLED},
    {"url": "https://hooks.spd.example/x\n", "types": ENROLLED},
    {"url": "https://hooks.spd.example/x", "types": ENROLLED, "description": "a\x00b"},
    {"url": "https://hooks.spd.example/x", "types": ENROLLED, "description": "a\ud800b"},
    {"url": "https://hooks.spd.example/x", "types": ENROLLED, "secret": "mine"},
]


def allow(container: Container, agency: str, host: str) -> None:
    container.notifications.rows.allow_host(agency, host, datetime.now(tz=UTC))


async def test_urls_outside_the_operators_allowance_are_refused(
    http: httpx.AsyncClient, container: Container
) -> None:
    spd = headers_for(container, "police", "spd")
    for url, host, why in REFUSED:
        allow(container, "spd", host.strip("[]"))
        response = await http.post(
            "/v1/subscriptions", json={"url": url, "types": ENROLLED}, headers=spd
        )
        assert response.status_code == 422, (why, response.text)
        assert response.json()["type"].endswith("/webhook-url-refused"), why
    for body in INVALID:
        # json.dumps escapes a lone surrogate as JSON may; httpx's json= cannot send it.
        json_type = {"Content-Type": "application/json"}
        response = await http.post(
            "/v1/subscriptions", content=json.dumps(body), headers=spd | json_type
        )
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert (await http.get("/v1/subscriptions", headers=spd)).json()["items"] == []
    assert len(REFUSED) + len(INVALID) == 20


async def test_a_subscription_is_its_agencys_alone(
    http: httpx.AsyncClient, container: Container
) -> None:
    allow(container, "spd", "93.184.215.14")  # a public address: no name to resolve
    spd = headers_for(container, "police", "spd")
    made = await http.post(
        "/v1/subscriptions",
        json={"url": "https://93.184.215.14/lead", "types": ENROLLED, "description": "records"},
        headers=spd,
    )
    assert made.status_code == 201, made.text
    assert made.json()["secret"].startswith("whsec_")
    url = f"/v1/subscriptions/{made.json()['subscription_id']}"
    shown = (await http.get(url, headers=spd)).json()
    assert "secret" not in shown and shown["status"] == "active"
    listed = (await http.get("/v1/subscriptions", headers=spd)).json()["items"]
    assert [s["subscription_id"] for s in listed] == [shown["subscription_id"]]
    tpd = headers_for(container, "police", "tpd")
    for method, path in [
        ("GET", url),
        ("DELETE", url),
        ("POST", f"{url}/rotate-secret"),
        ("GET", f"{url}/deliveries"),
    ]:
        response = await http.request(method, path, headers=tpd)
        assert response.status_code == 404, (method, path)
    assert (await http.get("/v1/subscriptions", headers=tpd)).json()["items"] == []
    assert (await http.delete(url, headers=spd)).status_code == 204
    assert (await http.get(url, headers=spd)).status_code == 404
    assert (await http.get("/v1/subscriptions", headers=spd)).json()["items"] == []


async def test_the_feed_pages_with_its_cursor_and_refuses_a_forged_one(
    http: httpx.AsyncClient, container: Container
) -> None:
    cm = headers_for(container, "case_manager", "lead-cm")
    empty = await http.get("/v1/notifications", headers=cm)
    assert empty.status_code == 200
    assert empty.json() == {"items": [], "next": None}
    forged = await http.get("/v1/notifications", headers=cm, params={"cursor": "abc"})
    assert forged.status_code == 422
    no_actor = await http.get("/v1/notifications", headers={"Authorization": cm["Authorization"]})
    assert no_actor.status_code == 400


async def test_a_retry_with_the_same_key_replays_and_another_body_is_refused(
    http: httpx.AsyncClient, container: Container
) -> None:
    allow(container, "spd", "93.184.215.14")
    spd = headers_for(container, "police", "spd", **{"Idempotency-Key": "sub-1"})
    body = {"url": "https://93.184.215.14/lead", "types": ENROLLED}
    first = await http.post("/v1/subscriptions", json=body, headers=spd)
    again = await http.post("/v1/subscriptions", json=body, headers=spd)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await http.post(
        "/v1/subscriptions", json=body | {"types": ["roi.expiring"]}, headers=spd
    )
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    url = f"/v1/subscriptions/{first.json()['subscription_id']}/rotate-secret"
    rotate = headers_for(container, "police", "spd", **{"Idempotency-Key": "rot-1"})
    rotated = await http.post(url, headers=rotate)
    retried = await http.post(url, headers=rotate)
    assert rotated.json()["secret"] == retried.json()["secret"] != first.json()["secret"]
    assert retried.headers["Idempotent-Replayed"] == "true"
    listed = (await http.get("/v1/subscriptions", headers=spd)).json()["items"]
    assert len(listed) == 1


async def test_secrets_are_kept_encrypted(http: httpx.AsyncClient, container: Container) -> None:
    allow(container, "spd", "93.184.215.14")
    spd = headers_for(container, "police", "spd")
    body = {"url": "https://93.184.215.14/lead", "types": ENROLLED}
    made = (await http.post("/v1/subscriptions", json=body, headers=spd)).json()
    with container.sql.connect() as conn:
        stored = conn.execute(
            select(webhook_subscriptions.c.secret).where(
                webhook_subscriptions.c.subscription_id == UUID(made["subscription_id"])
            )
        ).scalar_one()
    secret = made["secret"].removeprefix("whsec_")
    assert secret not in stored and made["secret"] != stored
    row = container.notifications.rows.get(UUID(made["subscription_id"]))
    assert row is not None and row.secret == made["secret"]


@pytest.fixture
async def capped(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    """A site that lets an agency hold three active subscriptions."""
    built = build(settings.model_copy(update={"webhook_subscriptions_per_agency": 3}))
    transport = httpx.ASGITransport(app=create_app(built, background=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client, built
    await built.async_sql.dispose()
    built.close()


async def test_an_agency_holds_at_most_its_cap_of_subscriptions_even_asked_at_once(
    capped: tuple[httpx.AsyncClient, Container],
) -> None:
    """Each active subscription is a thread of the notifier: one agency cannot make the
    service follow thousands. Concurrent requests never pass the cap (a lock per agency)."""
    http, container = capped
    for agency in ("spd", "tpd", "kcso"):
        allow(container, agency, "93.184.215.14")
    body = {"url": "https://93.184.215.14/lead", "types": ENROLLED}
    spd = headers_for(container, "police", "spd")
    made = [await http.post("/v1/subscriptions", json=body, headers=spd) for _ in range(3)]
    assert [m.status_code for m in made] == [201] * 3
    refused = await http.post("/v1/subscriptions", json=body, headers=spd)
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/subscription-limit-reached")
    assert len((await http.get("/v1/subscriptions", headers=spd)).json()["items"]) == 3
    tpd = headers_for(container, "police", "tpd")
    assert (await http.post("/v1/subscriptions", json=body, headers=tpd)).status_code == 201
    gone = await http.delete(f"/v1/subscriptions/{made[0].json()['subscription_id']}", headers=spd)
    assert gone.status_code == 204, gone.text
    assert (await http.post("/v1/subscriptions", json=body, headers=spd)).status_code == 201

    kcso = headers_for(container, "police", "kcso")
    at_once = await asyncio.gather(
        *(http.post("/v1/subscriptions", json=body, headers=kcso) for _ in range(8))
    )
    assert sorted(r.status_code for r in at_once) == [201] * 3 + [409] * 5
    assert len((await http.get("/v1/subscriptions", headers=kcso)).json()["items"]) == 3
