"""`GET /v1/possible-duplicates`: the review queue. Each candidate names two participants and
says why they may be one person: a disclosure of both."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.disclosure import Section
from services.views.parts import absent
from services.views.sections import In, Key, Sectioned

S = Section
GradeName = Literal["certain", "probable", "possible"]
ReviewStatus = Literal["open", "linked", "dismissed", "unlinked"]


class CandidateItem(Sectioned):
    """`participant_ids`: the earlier record first (the one a link points to)."""

    candidate_id: Annotated[UUID, Key()]
    participant_ids: Annotated[list[UUID], Key()]
    grade: Annotated[GradeName, In(S.IDENTITY)] = absent()
    reasons: Annotated[list[str], In(S.IDENTITY)] = absent()
    raised_at: Annotated[datetime, In(S.IDENTITY)] = absent()
    status: Annotated[ReviewStatus, In(S.IDENTITY)] = absent()
    decided_at: Annotated[datetime | None, In(S.IDENTITY)] = absent()
    decided_by: Annotated[str | None, In(S.IDENTITY)] = absent()
    note: Annotated[str | None, In(S.IDENTITY)] = absent()


class CandidatePage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[CandidateItem]
    next: str | None


def candidate_values(row: dict[str, Any]) -> dict[str, Any]:
    names = ("candidate_id", "grade", "reasons", "raised_at", "status", "decided_at")
    return {name: row[name] for name in (*names, "decided_by", "note")} | {
        "participant_ids": [row["earlier_id"], row["later_id"]]
    }
