"""Golden Rule compliance: the flags, and marking one reviewed."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field

from api.deps import ActorHeader, ContainerDep, allow, write_context_for
from api.responses import problems
from api.schemas import StrictBody
from api.security import Caller
from api.written import ReviewWritten, written
from domain import compliance
from services.context import RequestContext
from services.read_side.compliance import FlagSearch

router = APIRouter(prefix="/v1/compliance", tags=["legal coordination"])

Rule = Literal[compliance.RULES]  # type: ignore[valid-type]
Status = Literal["open", "review", "reviewed"]


class ReviewIn(StrictBody):
    note: str = Field(default="", max_length=compliance.NOTE_MAX)


@router.get("/golden-rule", responses=problems(503))
async def golden_rule_flags(
    container: ContainerDep,
    _: Annotated[Caller, Depends(allow("defense", "project_manager", "auditor"))],
    _actor: ActorHeader,  # reads of participants' flags are accountable to an individual
    rule: Annotated[Rule | None, Query()] = None,
    status: Annotated[Status | None, Query()] = None,
    participant_id: Annotated[UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    """Flags of participants possibly treated worse because of LEAD, in the order raised:
    each `{flag_id, rule, participant_id, raised_at, events: [positions], status}`; status
    `review` when exceptional circumstances were claimed, `reviewed` once someone has."""
    search = FlagSearch(rule, status, participant_id, limit, cursor, min_position)
    return await container.read_side.compliance.page(search)


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
