"""Site policy, case managers and capacity."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Header, Query, Response

from api import schemas, translate
from api.conditional import etag, not_modified, unchanged
from api.deps import ANY_ROLE, ContainerDep, allow, conditional_context_for, write_context_for
from api.policy import MERGE_PATCH, PolicyDocument, PolicyWritten, merge_patch_body, merged
from api.responses import problems
from api.security import Caller
from api.views import CapacityDocument, CaseManagerList, CaseManagerOut
from api.written import CaseManagerStatusWritten, CaseManagerWritten, written
from services.context import RequestContext

router = APIRouter(prefix="/v1", tags=["site policy and staff"])

CAPACITY_ROLES = tuple(r for r in ANY_ROLE if r != "community_partner")
ProjectManager = Annotated[
    RequestContext, Depends(conditional_context_for("project_manager", if_match_required=True))
]


@router.get("/policy", response_model=PolicyDocument, responses=problems())
def get_policy(
    container: ContainerDep,
    _: Annotated[Caller, Depends(allow(*ANY_ROLE))],
    if_none_match: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """The policy in force and its version (the `ETag`; 304 on a matching `If-None-Match`).
    Version 0 is the toolkit's defaults, before the project manager first sets a policy."""
    policy = container.staff.current_policy()
    if not_modified(if_none_match, policy.version):
        return unchanged(policy.version)
    document = PolicyDocument.of(policy).model_dump_json()
    headers = {"ETag": etag(policy.version)}
    return Response(document, headers=headers, media_type="application/json")


@router.put("/policy", response_model=PolicyWritten, responses=problems(412, 428, 503))
def replace_policy(
    body: schemas.PolicyIn, container: ContainerDep, ctx: ProjectManager
) -> Response:
    """The whole policy document: every field is required (`PATCH` changes some of them).
    `If-Match` with the `ETag` of `GET /v1/policy` is required."""
    outcome = container.staff.set_policy(ctx, translate.policy_terms(body))
    return written(outcome, PolicyWritten.answer, 200, tagged=True)


@router.patch("/policy", response_model=PolicyWritten, responses=problems(412, 415, 428, 503))
def amend_policy(
    patch: Annotated[dict[str, Any], Body(media_type=MERGE_PATCH)],
    container: ContainerDep,
    ctx: ProjectManager,
    _: Annotated[None, Depends(merge_patch_body)],
) -> Response:
    """A JSON merge patch (RFC 7396, `application/merge-patch+json`): the fields sent
    replace those in force, lists whole; the rest stay. `null` would remove a field, and
    every field is required: a 422. `If-Match` is required."""
    outcome = container.staff.change_policy(ctx, lambda terms: merged(terms, patch))
    return written(outcome, PolicyWritten.answer, 200, tagged=True)


@router.post(
    "/case-managers", status_code=201, response_model=CaseManagerWritten, responses=problems()
)
def register_case_manager(
    body: schemas.CaseManagerIn,
    container: ContainerDep,
    ctx: Annotated[RequestContext, Depends(write_context_for("project_manager", "supervisor"))],
) -> Response:
    outcome = container.staff.register_case_manager(ctx, body.name)
    return written(outcome, CaseManagerWritten.answer, 201)


Staffing = Annotated[RequestContext, Depends(write_context_for("project_manager", "supervisor"))]


@router.get("/case-managers", response_model=CaseManagerList, responses=problems(503))
async def list_case_managers(
    container: ContainerDep,
    _: Annotated[Caller, Depends(allow(*CAPACITY_ROLES))],
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> CaseManagerList:
    """Every case manager, in registration order, with caseload and `retired_at` (null:
    active). `min_position` waits up to 5 s for the roster to include a write."""
    roster = await container.read_side.capacity.roster(min_position)
    return CaseManagerList(items=[CaseManagerOut.model_validate(cm) for cm in roster])


@router.post(
    "/case-managers/{case_manager_id}/retire",
    status_code=200,
    response_model=CaseManagerStatusWritten,
    responses=problems(404, 409, 503),
)
def retire_case_manager(case_manager_id: UUID, container: ContainerDep, ctx: Staffing) -> Response:
    """The case manager leaves: takes no participants and leaves the capacity figures. 409
    `case-manager-has-participants` (with `participants`, how many) while any is assigned."""
    outcome = container.staff.retire_case_manager(ctx, case_manager_id)
    return written(outcome, CaseManagerStatusWritten.answer, 200)


@router.post(
    "/case-managers/{case_manager_id}/reactivate",
    status_code=200,
    response_model=CaseManagerStatusWritten,
    responses=problems(404, 409, 503),
)
def reactivate_case_manager(
    case_manager_id: UUID, container: ContainerDep, ctx: Staffing
) -> Response:
    outcome = container.staff.reactivate_case_manager(ctx, case_manager_id)
    return written(outcome, CaseManagerStatusWritten.answer, 200)


@router.get("/capacity", response_model=CapacityDocument, responses=problems(503))
async def get_capacity(
    container: ContainerDep,
    _: Annotated[Caller, Depends(allow(*CAPACITY_ROLES))],
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> CapacityDocument:
    """Caseload per case manager, the average and the two accepting flags (the rule the
    referral desk applies), from the capacity view as of `position`. With `min_position`
    (a write's position) it waits up to 5 s for the view to include it, else 503."""
    figures, position = await container.read_side.capacity.figures(min_position)
    return CapacityDocument.of(figures, position)
