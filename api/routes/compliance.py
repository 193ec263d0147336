"""Golden Rule compliance: the flags, and marking one reviewed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response

from api.audit_deps import viewer_for
from api.deps import ContainerDep, write_context_for
from api.responses import problems
from api.schemas import ReviewNote, StrictBody, Token
from api.shown import shown
from api.written import ReviewWritten, written
from services.context import RequestContext, Viewer
from services.read_side.compliance import FlagSearch
from services.views.flags import FlagPage, Rule, Status

router = APIRouter(prefix="/v1/compliance", tags=["legal coordination"])


class ReviewIn(StrictBody):
    note: ReviewNote = ""


@router.get("/golden-rule", response_model=FlagPage, responses=problems(503))
async def golden_rule_flags(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for("defense", "project_manager", "auditor"))],
    rule: Annotated[Rule | None, Query()] = None,
    status: Annotated[Status | None, Query()] = None,
    participant_id: Annotated[UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[Token | None, Query()] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """Flags of participants possibly treated worse because of LEAD, in the order raised:
    each `{flag_id, rule, participant_id, raised_at, events: [positions], status}`. Status
    `open`: a violation on its face (a diverted charge filed for an enrolled person, a
    subpoena, no basis declared, a share refused); `review`: for a person's judgment (a basis
    citing LEAD information, even beside an independent source; exceptional circumstances; a
    late-dated share; a filing after a legitimate expiry for a person who enrolled later);
    `reviewed` once someone has. Each flag read is accounted as a disclosure."""
    search = FlagSearch(rule, status, participant_id, limit, cursor, min_position)
    return shown(await container.reads.flags(viewer, search))


@router.post(
    "/golden-rule/{flag_id}/review",
    status_code=201,
    response_model=ReviewWritten,
    responses=problems(404, 409, 503),
)
def review_flag(
    flag_id: UUID,
    body: ReviewIn,
    container: ContainerDep,
    ctx: Annotated[RequestContext, Depends(write_context_for("project_manager", "defense"))],
) -> Response:
    """A project manager or defender marks a flag reviewed (recorded as an event, once)."""
    outcome = container.read_side.reviews.review(ctx, flag_id, body.note)
    return written(outcome, ReviewWritten.answer, 201)
