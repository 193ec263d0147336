"""Site policy, case managers and capacity."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api import schemas, translate
from api.deps import ANY_ROLE, ContainerDep, allow, write_context_for
from api.responses import Written, problems, written
from api.security import Caller
from services.context import RequestContext

router = APIRouter(prefix="/v1", tags=["site policy and staff"])

CAPACITY_ROLES = tuple(r for r in ANY_ROLE if r != "community_partner")


@router.get("/policy", responses=problems())
def get_policy(
    container: ContainerDep, _: Annotated[Caller, Depends(allow(*ANY_ROLE))]
) -> dict[str, Any]:
    return container.staff.current_policy()


@router.put("/policy", response_model=Written, responses=problems(503))
def put_policy(
    body: schemas.PolicyIn,
    container: ContainerDep,
    ctx: Annotated[RequestContext, Depends(write_context_for("project_manager"))],
) -> JSONResponse:
    return written(container.staff.set_policy(ctx, translate.policy_terms(body)))


@router.post("/case-managers", status_code=201, response_model=Written, responses=problems())
def register_case_manager(
    body: schemas.CaseManagerIn,
    container: ContainerDep,
    ctx: Annotated[RequestContext, Depends(write_context_for("project_manager", "supervisor"))],
) -> JSONResponse:
    return written(container.staff.register_case_manager(ctx, body.name))


@router.get("/capacity", responses=problems(503))
async def get_capacity(
    container: ContainerDep,
    _: Annotated[Caller, Depends(allow(*CAPACITY_ROLES))],
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    """Caseload per case manager, the average and the two accepting flags (the rule the
    referral desk applies), from the capacity view as of `position`. With `min_position`
    (a write's position) it waits up to 5 s for the view to include it, else 503."""
    return await container.read_side.capacity.body(min_position)
