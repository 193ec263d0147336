"""The problem document (RFC 9457) and the error answers each operation declares."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    field: str | None = Field(description="where: `body.person.given_name`, a header, ...")
    message: str
    type: str | None = None


class Problem(BaseModel):
    """An error, as `application/problem+json`. `type` ends in a slug that names the rule;
    `GET /problems/{slug}` describes it. Some types add members (`reason`, `attempt_id`,
    `position` on `roi-does-not-cover`)."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(examples=["https://lead-service.example/problems/charge-not-divertible"])
    title: str
    status: int
    detail: str
    instance: str | None = Field(
        default=None, description="the path of the request that met the problem"
    )
    errors: list[FieldError] | None = Field(
        default=None, description="422 and 400: each field in error (at most 50)"
    )


BASE = {
    400: "malformed request (unreadable JSON, a bad header)",
    401: "no or bad token",
    403: "role, agency or consent forbids",
    413: "body too large",
    422: "invalid input",
    429: "rate limited: retry after `Retry-After` seconds",
}
DESCRIBED = {
    404: "unknown id, or not visible to this caller",
    409: "the rules forbid it in the current state",
    412: "`If-Match` names another version",
    428: "`If-Match` is required",
    503: "store busy or unavailable, or a read model not caught up: retry after `Retry-After`",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error answers an operation declares (api/openapi.py gives each the problem
    schema under `application/problem+json`)."""
    chosen = {**BASE, **{s: DESCRIBED[s] for s in statuses if s in DESCRIBED}}
    return {status: {"model": Problem, "description": text} for status, text in chosen.items()}
