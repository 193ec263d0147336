"""Possible duplicates: the review queue, and a person's decision on a pair."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field

from api.audit_deps import viewer_for
from api.deps import ContainerDep, write_context_for
from api.responses import problems
from api.schemas import ReviewNote, StrictBody, Token
from api.shown import shown
from api.written import Written, written
from domain.duplicates import QUEUE_ROLES
from services.context import RequestContext, Viewer
from services.read_side.duplicates import CandidateSearch
from services.views.duplicates import CandidatePage, GradeName, ReviewStatus

router = APIRouter(tags=["possible duplicates"])
Reviewer = Annotated[RequestContext, Depends(write_context_for("case_manager", "supervisor"))]


class DuplicateDecisionIn(StrictBody):
    note: ReviewNote = Field(description="why: required (a reviewer's note, domain/text.py)")


class DuplicateWritten(Written):
    candidate_id: UUID
    status: Literal["linked", "dismissed", "unlinked"]
    earlier_id: UUID = Field(description="the record a link points to")
    later_id: UUID = Field(description="the record linked into the earlier one")


@router.get("/v1/possible-duplicates", response_model=CandidatePage, responses=problems(503))
async def possible_duplicates(
    container: ContainerDep,
    viewer: Annotated[Viewer, Depends(viewer_for(*QUEUE_ROLES))],
    grade: Annotated[GradeName | None, Query()] = None,
    status: Annotated[ReviewStatus | None, Query()] = None,
    participant_id: Annotated[UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[Token | None, Query()] = None,
    min_position: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """Pairs of participant records that may be one person, in the order raised: each
    `{candidate_id, participant_ids: [earlier, later], grade, reasons, raised_at, status}`.
    Grades: `certain` (two of name, identifier and date of birth agree exactly), `probable`
    (one near miss beside an exact match, or an identifier shared by records whose names and
    date of birth disagree), `possible` (worth a look). Each candidate read is accounted as a
    disclosure of both records."""
    search = CandidateSearch(grade, status, participant_id, limit, cursor, min_position)
    return shown(await container.reads.possible_duplicates(viewer, search))


@router.post(
    "/v1/possible-duplicates/{candidate_id}/link",
    status_code=201,
    response_model=DuplicateWritten,
    responses=problems(404, 409, 503),
)
def link_duplicate(
    candidate_id: UUID, body: DuplicateDecisionIn, ctx: Reviewer, container: ContainerDep
) -> Response:
    """The two records are one person from now on: the later one is linked into the earlier
    (reads of the later id answer with `linked_to`). Nothing is merged or lost; unlink undoes
    it. 409 when the pair was dismissed, or a record is already linked."""
    outcome = container.read_side.duplicate_reviews.link(ctx, candidate_id, body.note)
    return written(outcome, DuplicateWritten.answer, 201)


@router.post(
    "/v1/possible-duplicates/{candidate_id}/dismiss",
    status_code=201,
    response_model=DuplicateWritten,
    responses=problems(404, 409, 503),
)
def dismiss_duplicate(
    candidate_id: UUID, body: DuplicateDecisionIn, ctx: Reviewer, container: ContainerDep
) -> Response:
    """Not the same person. 409 while the pair is linked (unlink first)."""
    outcome = container.read_side.duplicate_reviews.dismiss(ctx, candidate_id, body.note)
    return written(outcome, DuplicateWritten.answer, 201)


@router.post(
    "/v1/participants/{participant_id}/unlink",
    status_code=201,
    response_model=DuplicateWritten,
    responses=problems(404, 409, 503),
)
def unlink(
    participant_id: UUID, body: DuplicateDecisionIn, ctx: Reviewer, container: ContainerDep
) -> Response:
    """Undo the link of this (later) record: both records stand apart again, exactly as they
    were. 404 when the record is not linked into another."""
    outcome = container.read_side.duplicate_reviews.unlink(ctx, participant_id, body.note)
    return written(outcome, DuplicateWritten.answer, 201)
