"""The problem types: what each `type` of a problem document means (no authentication)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from api.problem_types import catalogue
from api.responses import problems
from domain.errors import NotFound

router = APIRouter(prefix="/problems", tags=["problem types"])


class ProblemTypeOut(BaseModel):
    slug: str
    type: str
    title: str
    status: int
    description: str


@router.get("", response_model=list[ProblemTypeOut])
async def list_problem_types() -> list[ProblemTypeOut]:
    """Every problem type the service answers with."""
    return [ProblemTypeOut(**asdict(known)) for known in catalogue().values()]


@router.get("/{slug}", response_model=ProblemTypeOut, responses=problems(404))
async def get_problem_type(
    slug: Annotated[str, Path(max_length=64, pattern=r"^[a-z0-9-]+$")],
) -> ProblemTypeOut:
    """The rule behind one problem type: the slug a problem's `type` ends in."""
    known = catalogue().get(slug)
    if known is None:
        raise NotFound(f"no problem type {slug!r}")
    return ProblemTypeOut(**asdict(known))
