"""`GET /v1/compliance/golden-rule`: the flags of participants possibly treated worse because
of LEAD (defense's watch, the PCG's and the auditors'). Each names a participant: a disclosure."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain import compliance
from domain.disclosure import Section
from services.views.parts import absent
from services.views.sections import In, Key, Sectioned

S = Section
Rule = Literal[compliance.RULES]  # type: ignore[valid-type]
Status = Literal["open", "review", "reviewed"]


class FlagDetail(BaseModel):
    """What the rule found: the parts that apply to the flag's rule."""

    model_config = ConfigDict(extra="allow")
    recipient_agency: str | None = absent()
    category: str | None = absent()
    reason: str | None = absent()
    roi_id: UUID | None = absent()
    revoked_at: str | None = absent()
    matter_id: UUID | None = absent()
    exceptional_circumstances: str | None = absent()
    independent_source_claimed: bool | None = absent()
    post_filing_participant_id: UUID | None = absent()
    door: str | None = absent()
    arresting_agency: str | None = absent()
    charges: list[str] | None = absent()


class FlagItem(Sectioned):
    flag_id: Annotated[UUID, Key()]
    participant_id: Annotated[UUID | None, Key()] = Field(
        description="null for a missed diversion: the person never became a participant"
    )
    rule: Annotated[Rule, In(S.GOLDEN_RULE)] = absent()
    raised_at: Annotated[datetime, In(S.GOLDEN_RULE)] = absent()
    events: Annotated[list[int], In(S.GOLDEN_RULE)] = absent()
    status: Annotated[Status, In(S.GOLDEN_RULE)] = absent()
    detail: Annotated[FlagDetail, In(S.GOLDEN_RULE)] = absent()
    reviewed_at: Annotated[datetime | None, In(S.GOLDEN_RULE)] = absent()
    reviewed_by: Annotated[str | None, In(S.GOLDEN_RULE)] = absent()
    review_note: Annotated[str | None, In(S.GOLDEN_RULE)] = absent()


class FlagPage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[FlagItem]
    next: str | None


def flag_values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        name: row[name]
        for name in (
            "flag_id",
            "participant_id",
            "rule",
            "raised_at",
            "events",
            "status",
            "detail",
            "reviewed_at",
            "reviewed_by",
            "review_note",
        )
    }
