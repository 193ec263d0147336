"""Commands on a participant. Each handler: parse, call one use case, shape the answer."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api import schemas, translate
from api.deps import ContainerDep, conditional_context_for
from api.responses import problems
from api.written import (
    AssignmentWritten,
    DeadlineWritten,
    ParticipantWritten,
    RoiRevokedWritten,
    RoiWritten,
    written,
)
from services.context import RequestContext

router = APIRouter(
    prefix="/v1/participants/{participant_id}",
    tags=["participant commands"],
    responses=problems(404, 409, 412, 503),
)


def context(*roles: str) -> Any:
    return Depends(conditional_context_for(*roles))


CaseManager = Annotated[RequestContext, context("case_manager")]


@router.post("/intake", status_code=201, response_model=ParticipantWritten)
def complete_intake(
    participant_id: UUID, body: schemas.IntakeIn, ctx: CaseManager, container: ContainerDep
) -> Response:
    outcome = container.participants.complete_intake(
        ctx, participant_id, body.completed_at, body.plan_summary
    )
    return written(outcome, ParticipantWritten.answer, 201, tagged=True)


@router.post("/roi", status_code=201, response_model=RoiWritten)
def sign_roi(
    participant_id: UUID, body: schemas.RoiIn, ctx: CaseManager, container: ContainerDep
) -> Response:
    """Every agency named must have a client registered; categories are `plan`,
    `engagement`, `legal_status` (a 422 names the first that is not). `replaces` revokes the
    ROIs named (or `"all"` in force) as this one is signed; the answer lists them."""
    outcome = container.participants.sign_roi(ctx, participant_id, translate.roi_signing(body))
    return written(outcome, RoiWritten.answer, 201, tagged=True)


@router.post("/roi/revoke", status_code=201, response_model=RoiRevokedWritten)
def revoke_roi(
    participant_id: UUID, body: schemas.RoiRevokeIn, ctx: CaseManager, container: ContainerDep
) -> Response:
    """The ROI `roi_id`, or every ROI in force at `revoked_at`; the answer lists them."""
    outcome = container.participants.revoke_roi(
        ctx, participant_id, body.revoked_at, body.reason, body.roi_id
    )
    return written(outcome, RoiRevokedWritten.answer, 201, tagged=True)


@router.post("/intake-deadline/extend", status_code=201, response_model=DeadlineWritten)
def extend_intake_deadline(
    participant_id: UUID,
    body: schemas.ExtendDeadlineIn,
    ctx: Annotated[RequestContext, context("police")],
    container: ContainerDep,
) -> Response:
    outcome = container.participants.extend_intake_deadline(
        ctx, participant_id, body.new_deadline, body.agreed_by, body.reason, body.note
    )
    return written(outcome, DeadlineWritten.answer, 201, tagged=True)


@router.post("/case-manager", status_code=200, response_model=AssignmentWritten)
def assign_case_manager(
    participant_id: UUID,
    body: schemas.AssignIn,
    ctx: Annotated[RequestContext, context("supervisor", "project_manager")],
    container: ContainerDep,
) -> Response:
    outcome = container.caseload.assign_case_manager(ctx, participant_id, body.case_manager_id)
    return written(outcome, AssignmentWritten.answer, 200, tagged=True)


@router.post("/contacts", status_code=201, response_model=ParticipantWritten)
def record_contact(
    participant_id: UUID, body: schemas.ContactIn, ctx: CaseManager, container: ContainerDep
) -> Response:
    outcome = container.participants.record_contact(
        ctx, participant_id, body.contacted_at, body.kind
    )
    return written(outcome, ParticipantWritten.answer, 201, tagged=True)


@router.post("/non-return/exception", status_code=201, response_model=ParticipantWritten)
def grant_non_return_exception(
    participant_id: UUID,
    body: schemas.NonReturnExceptionIn,
    ctx: Annotated[RequestContext, context("case_manager", "police")],
    container: ContainerDep,
) -> Response:
    outcome = container.participants.grant_non_return_exception(
        ctx, participant_id, body.agreed_by, body.reason
    )
    return written(outcome, ParticipantWritten.answer, 201, tagged=True)


@router.post("/non-return/violation", status_code=201, response_model=ParticipantWritten)
def report_non_return_violation(
    participant_id: UUID,
    body: schemas.NonReturnViolationIn,
    ctx: Annotated[RequestContext, context("police")],
    container: ContainerDep,
) -> Response:
    outcome = container.participants.report_non_return_violation(
        ctx, participant_id, body.observed_at, body.note
    )
    return written(outcome, ParticipantWritten.answer, 201, tagged=True)


@router.post("/warm-handoff", status_code=201, response_model=ParticipantWritten)
def record_warm_handoff(
    participant_id: UUID,
    body: schemas.WarmHandoffIn,
    ctx: Annotated[RequestContext, context("case_manager", "police")],
    container: ContainerDep,
) -> Response:
    """The toolkit's warm handoff from police to a case manager, ideally within 30 minutes of
    the referral: case management, or the referring police agency. Once per referral (409)."""
    outcome = container.participants.record_warm_handoff(
        ctx, participant_id, body.handed_off_at, body.case_manager_id
    )
    return written(outcome, ParticipantWritten.answer, 201, tagged=True)


@router.post("/discharge", status_code=201, response_model=ParticipantWritten)
def discharge(
    participant_id: UUID,
    body: schemas.DischargeIn,
    ctx: Annotated[RequestContext, context("case_manager", "supervisor")],
    container: ContainerDep,
) -> Response:
    outcome = container.caseload.discharge(
        ctx, participant_id, body.discharged_at, body.reason, body.note
    )
    return written(outcome, ParticipantWritten.answer, 201, tagged=True)


@router.post("/readmit", status_code=201, response_model=ParticipantWritten)
def readmit(
    participant_id: UUID, body: schemas.ReadmitIn, ctx: CaseManager, container: ContainerDep
) -> Response:
    outcome = container.participants.readmit(ctx, participant_id, body.readmitted_at, body.note)
    return written(outcome, ParticipantWritten.answer, 201, tagged=True)
