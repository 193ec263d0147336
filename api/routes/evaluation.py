"""Evaluation and equity figures, as JSON or (with `Accept: text/csv`) as CSV."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from api.deps import ContainerDep, allow
from api.responses import problems
from api.schemas import Timestamp
from api.security import Caller
from api.views import EvaluationDocument
from projections.evaluation_queries import EvaluationQuery
from services.read_side.evaluation import report_csv, report_json

router = APIRouter(prefix="/v1/metrics", tags=["evaluation and audit"])

CSV = "text/csv"
BY_PATTERN = r"^[a-z_]+(,[a-z_]+)*$"


@router.get(
    "/evaluation",
    response_model=EvaluationDocument,
    responses={
        **problems(503),
        200: {
            "description": "counts and rates per stage, per group; CSV with `Accept: text/csv`",
            "content": {CSV: {"schema": {"type": "string"}}},
        },
    },
)
async def evaluation(
    container: ContainerDep,
    caller: Annotated[Caller, Depends(allow("project_manager", "auditor"))],
    start: Annotated[Timestamp | None, Query(alias="from")] = None,
    end: Annotated[Timestamp | None, Query(alias="to")] = None,
    by: Annotated[
        str | None,
        Query(
            max_length=60,
            pattern=BY_PATTERN,
            description="comma-separated: door, race, ethnicity, gender, period",
        ),
    ] = None,
    period: Annotated[Literal["month", "quarter", "year"], Query()] = "month",
    min_position: Annotated[int | None, Query(ge=0)] = None,
    accept: Annotated[str | None, Header(max_length=500)] = None,
) -> Response:
    """Referrals made in [from, to) (the cohort), by group: how many were referred,
    declined, enrolled, had the intake deadline expire, were discharged, readmitted; each
    stage's rate among those referred; days from referral to intake (median, mean). Race is
    recorded as reported: one race, `multiracial`, or `unknown`. For project managers a count
    from 1 to 10 reads `"<11"` (small-cell suppression) and the rates and medians that would
    reveal one are null; auditors see exact counts."""
    query = EvaluationQuery(start, end, tuple(by.split(",")) if by else (), period)
    report = await container.read_side.evaluation.report(query, caller.role, min_position)
    if accept and CSV in accept:
        return Response(
            report_csv(report),
            media_type=f"{CSV}; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="lead-evaluation.csv"'},
        )
    document = EvaluationDocument.model_validate(report_json(report))
    return Response(document.model_dump_json(by_alias=True), media_type="application/json")
