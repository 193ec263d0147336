"""Site policy, case managers and capacity."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
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


@router.get("/capacity", responses=problems())
def get_capacity(
    container: ContainerDep, _: Annotated[Caller, Depends(allow(*CAPACITY_ROLES))]
) -> dict[str, Any]:
    return container.staff.capacity_body()
