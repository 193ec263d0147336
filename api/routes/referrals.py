"""Referrals, participant reads and look-up."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response

from api import schemas, translate
from api.audit_deps import viewer_for
from api.conditional import etag, not_modified, unchanged
from api.deps import ANY_ROLE, ContainerDep, write_context_for
from api.responses import problems
from api.schemas import Timestamp
from api.written import ReferralWritten, written
from domain.eligibility import REFERRING_ROLES
from services.context import RequestContext, Viewer
from services.read_side.directory import DirectorySearch, identifier_of

router = APIRouter(prefix="/v1", tags=["referrals and participants"])

ParticipantStatus = Literal[
    "referred", "enrolled", "intake_deadline_expired", "discharged", "declined"
]


@router.post(
    "/referrals", status_code=201, response_model=ReferralWritten, responses=problems(404, 409, 503)
)
def refer(
    body: schemas.ReferralIn,
    container: ContainerDep,
    ctx: Annotated[RequestContext, Depends(write_context_for(*REFERRING_ROLES))],
) -> Response:
    outcome = container.referrals.refer(ctx, translate.referral_command(body))
    return written(outcome, ReferralWritten.answer, 201)


@router.get("/participants/{participant_id}", responses=problems(404))
def get_participant(
    participant_id: UUID,
    response: Response,
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for(*ANY_ROLE))],
    as_of: Annotated[Timestamp | None, Query()] = None,
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    view, version = container.reader.view(viewer, participant_id, as_of)
    if not_modified(if_none_match, version):
        return unchanged(version)
    response.headers["ETag"] = etag(version)
    return view


@router.get("/participants", responses=problems(503))
async def find_participants(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for("police", "case_manager", "prosecutor"))],
    identifier_system: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    identifier_value: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[ParticipantStatus | None, Query()] = None,
    case_manager_id: Annotated[UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    """With `identifier_system` and `identifier_value` (police, case managers, prosecutors):
    the person that agency identifier names, as `GET /v1/participants/{id}` shows them.
    Without (case managers, prosecutors): the participant list in referral order, filtered
    by `status` and `case_manager_id`, paged by `cursor`; items are summaries under the same
    least-privilege rules. `min_position` waits (up to 5 s) for the list to include a write."""
    search = DirectorySearch(
        status,
        case_manager_id,
        identifier_of(identifier_system, identifier_value),
        limit,
        cursor,
        min_position,
    )
    return await container.read_side.directory.search(viewer, search)
