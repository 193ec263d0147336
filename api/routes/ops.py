"""Liveness and readiness (no authentication, no counts, no routes) and Prometheus metrics
(a bearer token from `LEAD_METRICS_TOKEN`; 404 while none is set)."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr
from sqlalchemy import text

from api.deps import ContainerDep
from api.responses import Problem
from api.security import challenge
from api.views import Health, NotReady, Ready
from infra.observability import HEAD_POSITION, PROJECTION_LAG, QUARANTINE_SIZE, REGISTRY

router = APIRouter(tags=["operations"])
PROBLEM: dict[str, Any] = {"model": Problem, "content": {"application/problem+json": {}}}


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "not ready, with `Retry-After`"}},
)
def readyz(container: ContainerDep) -> Ready | JSONResponse:
    """Readiness: the store answers and no read model is stuck. A read model that set events
    aside (`leadctl projections failures`) is `degraded`, named, until they are re-applied
    (`leadctl projections retry`). No counts, no names of people, no routes."""
    try:
        container.store.table.head()
        with container.sql.connect() as conn:
            conn.execute(text("SELECT 1"))
        container.projector.positions()
        quarantined = sorted(container.projector.quarantine.counts())
    except Exception:  # noqa: BLE001 (any failure means not ready)
        answer = NotReady(status="not_ready", projections=[])
        return JSONResponse(answer.model_dump(), 503, headers={"Retry-After": "2"})
    if quarantined:
        degraded = NotReady(status="degraded", projections=quarantined)
        return JSONResponse(degraded.model_dump(), 503, headers={"Retry-After": "30"})
    return Ready(status="ready")


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}},
            "description": "Prometheus text exposition",
        },
        401: PROBLEM | {"description": "no or wrong bearer token"},
        404: PROBLEM | {"description": "LEAD_METRICS_TOKEN is not set"},
    },
)
def metrics(
    container: ContainerDep, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """Prometheus text, for `authorization: {credentials_file: ...}` in a scrape config."""
    check_metrics_token(container.settings.metrics_token, authorization)
    try:
        head = container.store.table.head()
        HEAD_POSITION.set(head)
        quarantined = container.projector.quarantine.counts()
        for name, position in container.projector.positions().items():
            PROJECTION_LAG.labels(name).set(head - position)
            QUARANTINE_SIZE.labels(name).set(quarantined.get(name, 0))
    except Exception:  # noqa: BLE001, S110 (metrics must render even when the store is down)
        pass
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def check_metrics_token(expected: SecretStr | None, authorization: str | None) -> None:
    """404 while no token is configured: there is no one to let in, and a 401 would only
    invite guessing. Otherwise the bearer token, compared in constant time."""
    if expected is None:
        raise HTTPException(404, "not found")
    scheme, _, given = (authorization or "").partition(" ")
    secret = expected.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), secret):
        raise HTTPException(401, "the metrics bearer token is required", headers=challenge())
