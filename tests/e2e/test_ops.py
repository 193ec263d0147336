"""Health, readiness, metrics and the OpenAPI document: what anyone may ask tells nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from services.container import Container
from tests.conftest import METRICS, METRICS_TOKEN, headers_for
from tests.e2e.helpers import refer, social_contact

pytestmark = pytest.mark.e2e


@pytest.fixture
async def unscraped(container: Container) -> AsyncIterator[httpx.AsyncClient]:
    """The service without LEAD_METRICS_TOKEN."""
    container.settings = container.settings.model_copy(update={"metrics_token": None})
    transport = httpx.ASGITransport(app=create_app(container, background=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://lead.test") as client:
        yield client


async def test_health_and_readiness_say_nothing_more(
    http: httpx.AsyncClient, container: Container
) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    await refer(http, container, social_contact())
    ready = await http.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_metrics_are_404_without_a_configured_token(unscraped: httpx.AsyncClient) -> None:
    assert (await unscraped.get("/metrics")).status_code == 404
    assert (await unscraped.get("/metrics", headers=METRICS)).status_code == 404


async def test_metrics_need_the_bearer_token(http: httpx.AsyncClient, container: Container) -> None:
    await refer(http, container, social_contact())
    for authorization in (
        None,
        "Bearer wrong",
        f"Basic {METRICS_TOKEN}",
        f"Bearer {METRICS_TOKEN}x",
    ):
        headers = {"Authorization": authorization} if authorization else {}
        refused = await http.get("/metrics", headers=headers)
        assert refused.status_code == 401, authorization
        assert refused.headers["www-authenticate"].startswith("Bearer")
    text = (await http.get("/metrics", headers=METRICS)).text
    assert 'lead_http_requests_total{method="POST",route="/v1/referrals",status="201"}' in text
    assert "lead_events_written_total" in text
    assert "lead_projection_lag_events" in text


async def test_openapi_documents_every_route(http: httpx.AsyncClient, container: Container) -> None:
    spec = (await http.get("/openapi.json")).json()
    paths = spec["paths"]
    for path in (
        "/v1/referrals",
        "/v1/participants/{participant_id}",
        "/v1/participants/{participant_id}/discharge",
        "/v1/policy",
        "/v1/capacity",
        "/v1/case-managers",
        "/v1/auth/token",
    ):
        assert path in paths
    assert "422" in paths["/v1/referrals"]["post"]["responses"]
    response = await http.get("/v1/capacity", headers=headers_for(container, "auditor", "a"))
    assert response.json()["accepting_priority_referrals"] is True


async def test_request_id_is_echoed(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
