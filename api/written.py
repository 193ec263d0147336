"""The answers of writes: typed documents built from the use cases' results, the status code
each command answers with, and the headers every write carries (`Idempotent-Replayed` on a
replay, `ETag` when the command changed a resource that has one)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Self
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from api.conditional import etag
from services.context import Outcome

ParticipantStatus = Literal[
    "referred", "enrolled", "intake_deadline_expired", "discharged", "declined"
]


class Written(BaseModel):
    """Every write answers with the global position of its last event: pass it as
    `min_position` to a read served from a projection to read your own write."""

    model_config = ConfigDict(from_attributes=True)
    position: int = Field(description="the global position of the write's last event")

    @classmethod
    def answer(cls, result: object, position: int) -> Self:
        return cls.model_validate({**vars(result), "position": position})


def written(
    outcome: Outcome[Any],
    answer_of: Callable[[Any, int], BaseModel],
    status: int,
    *,
    tagged: bool = False,
) -> Response:
    """`answer_of`: a model's `answer`. `tagged`: the result's `version` is the new ETag of
    the resource the command changed."""
    answer = answer_of(outcome.result, outcome.position)
    headers = {"ETag": etag(outcome.result.version)} if tagged else {}
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    body = answer.model_dump_json(exclude_unset=True)  # a member left unset is not disclosed
    return Response(body, status, headers, media_type="application/json")


class ParticipantWritten(Written):
    participant_id: UUID
    status: ParticipantStatus
    version: int = Field(description="the participant's new version; also the `ETag`")


class RoiWritten(ParticipantWritten):
    roi_id: UUID
    replaced: list[UUID] = Field(description="the ROIs it replaced, revoked as it was signed")


class RoiRevokedWritten(ParticipantWritten):
    revoked: list[UUID] = Field(description="the ROI named, or every ROI in force then")


class DeadlineWritten(ParticipantWritten):
    intake_deadline: datetime | None


class AssignmentWritten(ParticipantWritten):
    case_manager_id: UUID
    caseload: int = Field(description="the case manager's caseload with this participant")


class NonReturnOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    location: str
    until: datetime


class ReferralWritten(Written):
    """Nothing the referring agency could not read of the person anyway (API.md)."""

    referral_id: UUID
    participant_id: UUID
    status: Literal["referred", "declined"]
    participant_status: ParticipantStatus | None = Field(
        default=None, description="absent unless the referring agency may see the status"
    )
    decline_reason: str | None = Field(description="`capacity` when declined for capacity")
    intake_deadline: datetime | None
    non_return: NonReturnOut | None

    @classmethod
    def answer(cls, result: object, position: int) -> Self:
        members = {**vars(result), "position": position}
        if members["participant_status"] is None:
            del members["participant_status"]
        return cls.model_validate(members)


class CaseManagerWritten(Written):
    case_manager_id: UUID
    name: str


class CaseManagerStatusWritten(Written):
    case_manager_id: UUID
    name: str
    retired_at: datetime | None = Field(description="null: active")


class MatterWritten(Written):
    matter_id: UUID
    participant_id: UUID
    kind: Literal["diverted_charge", "pending_case", "warrant", "post_enrollment_case"]
    state: str = Field(description="e.g. awaiting_decision, held, filed, declined, not_filed")
    version: int = Field(description="the legal matter's new version")


class DecisionWritten(MatterWritten):
    decision: str


class ShareWritten(Written):
    share_id: UUID
    participant_id: UUID
    roi_id: UUID = Field(description="the ROI in force that covered the share")


class AdverseActionWritten(Written):
    action_id: UUID
    participant_id: UUID
    basis_declared: bool = Field(description="false is itself a Golden Rule flag")


class ReportRequestWritten(Written):
    request_id: UUID
    participant_id: UUID
    kind: Literal["violation_report", "progress_report"]
    answered: Literal["nothing_helpful_to_report", "working_with_participant"] | None = Field(
        default=None, description="the case manager's answer, once given"
    )


class MissedDiversionWritten(Written):
    missed_diversion_id: UUID


class ReviewWritten(Written):
    flag_id: UUID
    status: Literal["reviewed"]
    review_id: UUID
