"""Legal coordination commands. Each handler: parse, call one use case, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api import legal_schemas as schemas
from api.deps import ContainerDep, write_context_for
from api.responses import problems
from api.written import (
    AdverseActionWritten,
    DecisionWritten,
    MatterWritten,
    ShareWritten,
    written,
)
from services.context import RequestContext

router = APIRouter(prefix="/v1", tags=["legal coordination"])


def context(*roles: str) -> Any:
    return Depends(write_context_for(*roles))


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
) -> Response:
    outcome = container.legal.open_matter(ctx, participant_id, body.kind, body.details())
    return written(outcome, MatterWritten.answer, 201)


@router.post(
    "/legal-matters/{matter_id}/decisions",
    status_code=201,
    response_model=DecisionWritten,
    responses=problems(404, 409, 503),
)
def decide_on_legal_matter(
    matter_id: UUID,
    body: schemas.DecisionIn,
    ctx: Annotated[RequestContext, context("prosecutor")],
    container: ContainerDep,
) -> Response:
    """409 `decision-not-allowed` when the decision makes no sense for the matter's kind or
    state; 409 `diverted-charge-protected` for a `file` on a protected diverted charge. The
    answer's `ETag` is the matter's new version."""
    outcome = container.legal.decide(ctx, matter_id, body.command())
    return written(outcome, DecisionWritten.answer, 201, tagged=True)


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
) -> Response:
    """403 `roi-does-not-cover` (with `reason`, `attempt_id`, `position`) when no ROI in force
    at `shared_at` names the agency and category: nothing is shared, the attempt is recorded."""
    outcome = container.coordination.share_information(ctx, participant_id, body.command())
    return written(outcome, ShareWritten.answer, 201)


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
) -> Response:
    """Every adverse action records its basis; one without is a Golden Rule flag."""
    outcome = container.coordination.record_adverse_action(ctx, participant_id, body.command())
    return written(outcome, AdverseActionWritten.answer, 201)
