"""`GET /v1/queues/liaison-prosecutor`: the open matters an office holds that need a decision."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from domain.disclosure import Section
from services.views.parts import absent
from services.views.sections import In, Key, Sectioned

S = Section
Reason = Literal[
    "intake_deadline_expired",
    "hold_review_due",
    "warrant_active",
    "new_post_enrollment_case",
    "awaiting_decision",
]


class QueueItem(Sectioned):
    matter_id: Annotated[UUID, Key()]
    participant_id: Annotated[UUID, Key()]
    kind: Annotated[str, In(S.LEGAL)] = absent()
    state: Annotated[str, In(S.LEGAL)] = absent()
    reason: Annotated[Reason, In(S.LEGAL)] = absent()
    due_at: Annotated[datetime, In(S.LEGAL)] = absent()
    case_number: Annotated[str, In(S.LEGAL)] = absent()


class QueuePage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[QueueItem]
    next: str | None
