"""Work queues served from projections (read-your-writes with `min_position`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from api.audit_deps import viewer_for
from api.deps import ContainerDep
from api.responses import problems
from services.context import Viewer
from services.legal_coordination.queue import QueueQuery

router = APIRouter(prefix="/v1/queues", tags=["legal coordination"])

Reason = Literal[
    "intake_deadline_expired",
    "hold_review_due",
    "warrant_active",
    "new_post_enrollment_case",
    "awaiting_decision",
]


@router.get("/liaison-prosecutor", responses=problems(503))
async def liaison_prosecutor_queue(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for("prosecutor"))],
    participant_id: Annotated[UUID | None, Query()] = None,
    reason: Annotated[Reason | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    """Open matters that need a decision, longest due first: `{"items", "next"}`. A hold
    appears once its review date has come. 503 (with Retry-After) when `min_position` is not
    reached within 5 s."""
    query = QueueQuery(participant_id, reason, limit, cursor, min_position)
    return await container.liaison_queue.page_for(viewer, query)
