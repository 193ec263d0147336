"""Shaping use-case outcomes into HTTP responses, and the response documents for OpenAPI."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from services.context import Outcome


def written(outcome: Outcome) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return JSONResponse(outcome.response_body(), status_code=outcome.status, headers=headers)


class Problem(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str


class Written(BaseModel):
    """Every write answers with the global position of its last event."""

    model_config = ConfigDict(extra="allow")
    position: int


class ParticipantWritten(Written):
    participant_id: str
    status: str
    version: int


class ReferralWritten(Written):
    referral_id: str
    participant_id: str
    status: str
    decline_reason: str | None
    intake_deadline: str | None
    non_return: dict[str, Any] | None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    base = {
        400: "unreadable request",
        401: "no or bad token",
        403: "role or consent forbids",
        413: "body too large",
        422: "invalid input",
        429: "rate limited: retry after Retry-After seconds",
    }
    described = {
        404: "unknown id or not visible to this caller",
        409: "the rules forbid it in the current state",
        412: "If-Match mismatch",
        503: "store busy or unavailable",
    }
    chosen = {**base, **{s: described[s] for s in statuses if s in described}}
    return {
        status: {"model": Problem, "description": text, "content": {"application/problem+json": {}}}
        for status, text in chosen.items()
    }
