"""Referrals, participant reads and look-up."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import JSONResponse

from api import schemas, translate
from api.audit_deps import viewer_for
from api.deps import ANY_ROLE, ContainerDep, write_context_for
from api.responses import ReferralWritten, problems, written
from api.schemas import Timestamp
from domain.values import Identifier
from services.context import RequestContext, Viewer

router = APIRouter(prefix="/v1", tags=["referrals and participants"])

REFERRING_ROLES = ("police", "community_partner", "prosecutor", "case_manager")


@router.post(
    "/referrals", status_code=201, response_model=ReferralWritten, responses=problems(404, 409, 503)
)
def refer(
    body: schemas.ReferralIn,
    container: ContainerDep,
    ctx: Annotated[RequestContext, Depends(write_context_for(*REFERRING_ROLES))],
) -> JSONResponse:
    return written(container.referrals.refer(ctx, translate.referral_command(body)))


@router.get("/participants/{participant_id}", responses=problems(404))
def get_participant(
    participant_id: UUID,
    response: Response,
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for(*ANY_ROLE))],
    as_of: Annotated[Timestamp | None, Query()] = None,
) -> dict[str, Any]:
    view, version = container.reader.view(viewer, participant_id, as_of)
    response.headers["ETag"] = f'"{version}"'
    return view


@router.get("/participants", responses=problems())
def find_participants(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for("police", "case_manager", "prosecutor"))],
    identifier_system: Annotated[str, Query(min_length=1, max_length=64)],
    identifier_value: Annotated[str, Query(min_length=1, max_length=64)],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,  # noqa: ARG001 (one match at most)
    cursor: Annotated[str | None, Query(max_length=200)] = None,  # noqa: ARG001
) -> dict[str, Any]:
    items = container.reader.find(viewer, Identifier(identifier_system, identifier_value))
    return {"items": items, "next": None}
