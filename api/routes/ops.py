"""Liveness, readiness and Prometheus metrics: no authentication."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import ContainerDep
from api.views import Health, NotReady, Ready
from infra.observability import HEAD_POSITION, PROJECTION_LAG, REGISTRY

router = APIRouter(tags=["operations"])


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
    """Readiness: the store answers and no read model is stuck. No counts, no names of
    people, no routes."""
    try:
        container.store.table.head()
        with container.sql.connect() as conn:
            conn.execute(text("SELECT 1"))
        container.projector.positions()
    except Exception:  # noqa: BLE001 (any failure means not ready)
        answer = NotReady(status="not_ready", projections=[])
        return JSONResponse(answer.model_dump(), 503, headers={"Retry-After": "2"})
    return Ready(status="ready")


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}},
            "description": "Prometheus text exposition",
        }
    },
)
def metrics(container: ContainerDep) -> Response:
    try:
        head = container.store.table.head()
        HEAD_POSITION.set(head)
        for name, position in container.projector.positions().items():
            PROJECTION_LAG.labels(name).set(head - position)
    except Exception:  # noqa: BLE001, S110 (metrics must render even when the store is down)
        pass
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
