"""Legal coordination commands. Each handler: parse, call one use case, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api import legal_schemas as schemas
from api.deps import ContainerDep, write_context_for
from api.responses import Written, problems, written
from services.context import RequestContext

router = APIRouter(prefix="/v1", tags=["legal coordination"])


def context(*roles: str) -> Any:
    return Depends(write_context_for(*roles))


class MatterWritten(Written):
    matter_id: str
    participant_id: str
    kind: str
    state: str
    version: int


class ShareWritten(Written):
    share_id: str
    participant_id: str
    roi_id: str


class AdverseActionWritten(Written):
    action_id: str
    participant_id: str
    basis_declared: bool


@router.post(
    "/participants/{participant_id}/legal-matters",
    status_code=201,
    response_model=MatterWritten,
    responses=problems(404, 409, 503),
)
def open_legal_matter(
    participant_id: UUID,
    body: schemas.LegalMatterIn,
    ctx: Annotated[RequestContext, context("prosecutor", "case_manager")],
    container: ContainerDep,
) -> JSONResponse:
    return written(container.legal.open_matter(ctx, participant_id, body.kind, body.details()))


@router.post(
    "/legal-matters/{matter_id}/decisions",
    status_code=201,
    response_model=MatterWritten,
    responses=problems(404, 409, 503),
)
def decide(
    matter_id: UUID,
    body: schemas.DecisionIn,
    ctx: Annotated[RequestContext, context("prosecutor")],
    container: ContainerDep,
) -> JSONResponse:
    """409 `decision-not-allowed` when the decision makes no sense for the matter's kind or
    state; 409 `diverted-charge-protected` for a `file` on a protected diverted charge."""
    return written(container.legal.decide(ctx, matter_id, body.command()))


@router.post(
    "/participants/{participant_id}/information-shares",
    status_code=201,
    response_model=ShareWritten,
    responses=problems(404, 503),
)
def share_information(
    participant_id: UUID,
    body: schemas.InformationShareIn,
    ctx: Annotated[RequestContext, context("case_manager")],
    container: ContainerDep,
) -> JSONResponse:
    """403 `roi-does-not-cover` (with `reason`, `attempt_id`, `position`) when no ROI in force
    at `shared_at` names the agency and category: nothing is shared, the attempt is recorded."""
    return written(container.coordination.share_information(ctx, participant_id, body.command()))


@router.post(
    "/participants/{participant_id}/adverse-actions",
    status_code=201,
    response_model=AdverseActionWritten,
    responses=problems(404, 503),
)
def record_adverse_action(
    participant_id: UUID,
    body: schemas.AdverseActionIn,
    ctx: Annotated[RequestContext, context("police", "prosecutor")],
    container: ContainerDep,
) -> JSONResponse:
    return written(
        container.coordination.record_adverse_action(ctx, participant_id, body.command())
    )
