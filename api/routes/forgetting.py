"""Forgetting a participant, the receipts, and the retention review (issue 18)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Response

from api.audit_deps import viewer_for
from api.deps import ContainerDep, allow, write_context_for
from api.forgetting_schemas import DueList, ForgetIn, ForgetWritten, ReceiptDocument, ReceiptList
from api.responses import problems
from api.security import Caller
from api.written import written
from services.context import RequestContext, Viewer
from services.forgetting.forget import ForgetCommand

router = APIRouter(prefix="/v1", tags=["forgetting"])

ProjectManager = Annotated[RequestContext, Depends(write_context_for("project_manager"))]
Auditor = Annotated[Caller, Depends(allow("auditor"))]


@router.post(
    "/participants/{participant_id}/forget",
    status_code=201,
    response_model=ForgetWritten,
    responses=problems(404, 409, 503),
)
def forget_participant(
    participant_id: UUID, body: ForgetIn, ctx: ProjectManager, container: ContainerDep
) -> Response:
    """Destroys the participant's data key, drops their rows from every read model and signs
    a receipt. The project manager asks; `approved_by` names the auditor who approved (not
    the caller: 422). Unknown: 404; forgotten already: 409. Afterwards reads of the
    participant are 410 `participant-forgotten` (or leave them out), and history lists their
    events with `data: null`."""
    command = ForgetCommand(body.reason, body.reference, body.approved_by)
    outcome = container.forgetting.forget(ctx, participant_id, command)
    return written(outcome, ForgetWritten.answer, 201)


@router.get("/audit/forgotten", response_model=ReceiptList, responses=problems())
def forgetting_receipts(container: ContainerDep, _: Auditor) -> dict[str, Any]:
    """Every forgetting receipt, oldest first."""
    receipts = container.forgetting.receipts_list()
    return {"items": [ReceiptDocument.model_validate(r) for r in receipts]}


@router.get("/retention/due", response_model=DueList, responses=problems())
def due_for_retention_review(
    container: ContainerDep, viewer: Annotated[Viewer, Depends(viewer_for("project_manager"))]
) -> DueList:
    """People whose retention period (`retention_days_after_discharge`) has ended, for the
    project manager to review: listed only, never forgotten without an approval."""
    days, due = container.reads.accounted(viewer, container.retention.listed())
    return DueList.of(days, due)
