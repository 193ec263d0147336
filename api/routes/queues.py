"""Work queues served from projections (read-your-writes with `min_position`)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.audit_deps import viewer_for
from api.deps import ContainerDep
from api.responses import problems
from api.schemas import Token
from api.shown import shown
from services.context import Viewer
from services.legal_coordination.queue import QueueQuery
from services.views.queue import QueuePage, Reason

router = APIRouter(prefix="/v1/queues", tags=["legal coordination"])


@router.get("/liaison-prosecutor", response_model=QueuePage, responses=problems(503))
async def liaison_prosecutor_queue(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for("prosecutor"))],
    participant_id: Annotated[UUID | None, Query()] = None,
    reason: Annotated[Reason | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[Token | None, Query()] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """The open matters the caller's office holds that need a decision (diverted charges for
    the policy's liaison prosecutor offices), longest due first: `{"items", "next"}`. A hold
    appears once its review date has come. 503 (with Retry-After) when `min_position` is not
    reached within 5 s."""
    query = QueueQuery(participant_id, reason, limit, cursor, min_position)
    return shown(await container.reads.queue(viewer, query))
