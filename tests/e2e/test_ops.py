"""Health, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

import httpx
import pytest

from services.container import Container
from tests.conftest import headers_for
from tests.e2e.helpers import refer, social_contact

pytestmark = pytest.mark.e2e


async def test_health_and_readiness(http: httpx.AsyncClient, container: Container) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    await refer(http, container, social_contact())
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready"}  # no counts, names or routes


async def test_metrics_count_requests_and_events(
    http: httpx.AsyncClient, container: Container
) -> None:
    await refer(http, container, social_contact())
    text = (await http.get("/metrics")).text
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
