"""Referrals, participant reads and look-up."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Response
from starlette.concurrency import run_in_threadpool

from api import schemas, translate
from api.audit_deps import viewer_for
from api.conditional import etag, not_modified, unchanged
from api.deps import ANY_ROLE, ContainerDep, write_context_for
from api.responses import problems
from api.schemas import Code, Name, Timestamp, Token
from api.shown import shown
from api.written import ReferralWritten, written
from domain.eligibility import REFERRING_ROLES
from domain.places import Place
from services.context import RequestContext, Viewer
from services.read_side.directory import DirectorySearch, identifier_of
from services.referrals.non_return_reads import NonReturnPage
from services.views.listing import ParticipantPage
from services.views.participant import ParticipantView
from services.views.parts import ParticipantStatus

router = APIRouter(prefix="/v1", tags=["referrals and participants"])

SEARCH_ROLES = ("police", "case_manager", "supervisor", "project_manager", "prosecutor")


@router.post(
    "/referrals", status_code=201, response_model=ReferralWritten, responses=problems(404, 409, 503)
)
async def refer(
    body: schemas.ReferralIn,
    container: ContainerDep,
    ctx: Annotated[RequestContext, Depends(write_context_for(*REFERRING_ROLES))],
) -> Response:
    """`async`: a new person's referral is decided and saved on the event loop; any other
    (a known identifier, a conflict, a replay, SQLite) takes the store-reading path in the
    threadpool (services/referrals/referrals.py)."""
    command = translate.referral_command(body)
    outcome = await container.referrals.refer_at_once(ctx, command)
    if outcome is None:
        outcome = await run_in_threadpool(container.referrals.refer, ctx, command)
    return written(outcome, ReferralWritten.answer, 201)


@router.get(
    "/participants/{participant_id}", response_model=ParticipantView, responses=problems(404)
)
def get_participant(
    participant_id: UUID,
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for(*ANY_ROLE))],
    as_of: Annotated[Timestamp | None, Query()] = None,
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """What the caller may see of the participant: a section it may not see is absent; a
    participant it may not know of is a 404, as an unknown id."""
    view, version = container.reads.participant(viewer, participant_id, as_of)
    if not_modified(if_none_match, version):
        return unchanged(version)
    return shown(view, {"ETag": etag(version)})


@router.get("/non-return-requests", response_model=NonReturnPage, responses=problems(503))
async def find_non_return_requests(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for("police"))],
    latitude: Annotated[float | None, Query(ge=-90, le=90)] = None,
    longitude: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_m: Annotated[float | None, Query(description="at most 5000")] = None,
    location: Annotated[Name | None, Query()] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """The 24-hour non-return requests in force now at a place: within `radius_m` (at most
    5 km) of `latitude`, `longitude`, or whose location holds the `location` text. A query
    without a place, or a radius over 5 km, is a 422."""
    place = Place(latitude, longitude, radius_m, location)
    return shown(await container.reads.non_return_requests(viewer, place, min_position))


@router.get("/participants", response_model=ParticipantPage, responses=problems(503))
async def find_participants(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for(*SEARCH_ROLES))],
    identifier_system: Annotated[Code | None, Query()] = None,
    identifier_value: Annotated[Code | None, Query()] = None,
    status: Annotated[ParticipantStatus | None, Query()] = None,
    case_manager_id: Annotated[UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[Token | None, Query()] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """With `identifier_system` and `identifier_value`: the people that agency identifier
    names, as `GET /v1/participants/{id}` shows them (a system registered to another agency is
    a 403 `identifier-system-not-yours`). Without (case management, project managers,
    prosecutors): the participant list in referral order, filtered by `status` and
    `case_manager_id`, paged by `cursor`; a prosecutor sees only the people its office holds a
    legal matter on, referred, or is named for in a ROI in force. `min_position` waits (up to
    5 s) for the list to include a write."""
    search = DirectorySearch(
        status,
        case_manager_id,
        identifier_of(identifier_system, identifier_value),
        limit,
        cursor,
        min_position,
    )
    return shown(await container.reads.search(viewer, search))
