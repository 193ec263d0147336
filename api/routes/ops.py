"""Liveness, readiness and Prometheus metrics: no authentication."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import ContainerDep
from infra.observability import HEAD_POSITION, PROJECTION_LAG, REGISTRY
from infra.positions import head_position

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(container: ContainerDep) -> dict[str, Any] | JSONResponse:
    try:
        head = head_position(container.store)
        with container.sql.connect() as conn:
            conn.execute(text("SELECT 1"))
        positions = container.projector.positions()
    except Exception as exc:  # noqa: BLE001 (any failure means not ready, and says why)
        return JSONResponse(
            {"status": "unavailable", "reason": type(exc).__name__},
            status_code=503,
            headers={"Retry-After": "2"},
        )
    lag = {name: head - position for name, position in positions.items()}
    return {"status": "ready", "head": head, "projection_lag": lag}


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {CONTENT_TYPE_LATEST.split(";")[0]: {}},
            "description": "Prometheus text exposition",
        }
    },
)
def metrics(container: ContainerDep) -> Response:
    try:
        head = head_position(container.store)
        HEAD_POSITION.set(head)
        for name, position in container.projector.positions().items():
            PROJECTION_LAG.labels(name).set(head - position)
    except Exception:  # noqa: BLE001, S110 (metrics must render even when the store is down)
        pass
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
