"""Legal coordination commands. Each handler: parse, call one use case, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api import legal_schemas as schemas
from api.audit_deps import viewer_for
from api.deps import ANY_ROLE, ContainerDep, write_context_for
from api.responses import problems
from api.shown import shown
from api.written import (
    AdverseActionWritten,
    DecisionWritten,
    MatterWritten,
    MissedDiversionWritten,
    ReportRequestWritten,
    ShareWritten,
    written,
)
from services.context import RequestContext, Viewer
from services.views.record_parts import (
    AdverseActionsView,
    MatterRead,
    ReportRequestsView,
    SharesView,
)

router = APIRouter(prefix="/v1", tags=["legal coordination"])
# Who may record adverse actions and ask case management for a report (API.md v1.1).
JUSTICE_ROLES = ("police", "prosecutor", "court", "probation")


def context(*roles: str) -> Any:
    return Depends(write_context_for(*roles))


Reader = Annotated[Viewer, Depends(viewer_for(*ANY_ROLE))]


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
    ctx: Annotated[RequestContext, context(*JUSTICE_ROLES)],
    container: ContainerDep,
) -> Response:
    """Every adverse action records its basis; one without is a Golden Rule flag."""
    outcome = container.coordination.record_adverse_action(ctx, participant_id, body.command())
    return written(outcome, AdverseActionWritten.answer, 201)


@router.post(
    "/participants/{participant_id}/report-requests",
    status_code=201,
    response_model=ReportRequestWritten,
    responses=problems(404, 503),
)
def request_report(
    participant_id: UUID,
    body: schemas.ReportRequestIn,
    ctx: Annotated[RequestContext, context(*JUSTICE_ROLES)],
    container: ContainerDep,
) -> Response:
    """A case manager asked to report on the participant; a `violation_report` request is a
    Golden Rule flag whatever the answer."""
    outcome = container.coordination.request_report(ctx, participant_id, body.command())
    return written(outcome, ReportRequestWritten.answer, 201)


@router.post(
    "/participants/{participant_id}/report-requests/{request_id}/answer",
    status_code=201,
    response_model=ReportRequestWritten,
    responses=problems(404, 409, 503),
)
def answer_report_request(
    participant_id: UUID,
    request_id: UUID,
    body: schemas.ReportAnswerIn,
    ctx: Annotated[RequestContext, context("case_manager")],
    container: ContainerDep,
) -> Response:
    """409 when the request was answered already."""
    outcome = container.coordination.answer_report_request(
        ctx, participant_id, request_id, body.command()
    )
    return written(outcome, ReportRequestWritten.answer, 201)


@router.get("/legal-matters/{matter_id}", response_model=MatterRead, responses=problems(404))
def get_legal_matter(matter_id: UUID, container: ContainerDep, viewer: Reader) -> Response:
    """The matter, its state and its decisions (who, when, why): for the office that holds
    it, case management, auditors and project managers, parties to it, and agencies a ROI
    names for `legal_status`; anyone else gets a 404, as for an unknown id."""
    return shown(container.reads.legal_matter(viewer, matter_id))


@router.get(
    "/participants/{participant_id}/shares",
    response_model=SharesView,
    responses=problems(404),
)
def get_shares(participant_id: UUID, container: ContainerDep, viewer: Reader) -> Response:
    """Every share (with the ROI it relied on) to the site's staff; its own to a recipient."""
    return shown(container.reads.shares(viewer, participant_id))


@router.get(
    "/participants/{participant_id}/adverse-actions",
    response_model=AdverseActionsView,
    responses=problems(404),
)
def get_adverse_actions(participant_id: UUID, container: ContainerDep, viewer: Reader) -> Response:
    """Adverse actions with their basis, as the legal section allows: all to the site's
    staff and under a ROI for `legal_status`; else those the agency took or on its matters."""
    return shown(container.reads.adverse_actions(viewer, participant_id))


@router.get(
    "/participants/{participant_id}/report-requests",
    response_model=ReportRequestsView,
    responses=problems(404),
)
def get_report_requests(participant_id: UUID, container: ContainerDep, viewer: Reader) -> Response:
    """Every report request and answer to the site's staff; its own to a requesting agency."""
    return shown(container.reads.report_requests(viewer, participant_id))


@router.post(
    "/missed-diversions",
    status_code=201,
    response_model=MissedDiversionWritten,
    responses=problems(503),
)
def record_missed_diversion(
    body: schemas.MissedDiversionIn,
    ctx: Annotated[RequestContext, context("defense", "project_manager")],
    container: ContainerDep,
) -> Response:
    """A diversion-eligible arrest (every charge on the divertible list; else 422
    `charge-not-divertible`) booked instead: a Golden Rule flag (`missed_diversion`) and the
    first stage of the equity figures. No names are kept."""
    outcome = container.missed_diversions.record(ctx, body.command())
    return written(outcome, MissedDiversionWritten.answer, 201)
