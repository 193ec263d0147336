"""What the write use cases answer: typed results, never status codes or dicts. `api/` alone
decides how each reads over HTTP. Field names are those of the bodies the idempotency records
kept before results were typed, so those records still replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.values import PolicyTerms


@dataclass(frozen=True)
class NonReturnSet:
    location: str
    until: datetime


@dataclass(frozen=True)
class ReferralRecorded:
    referral_id: UUID
    participant_id: UUID
    status: str  # "referred" or "declined"
    participant_status: str | None  # None: the referring agency may not see the status
    decline_reason: str | None
    intake_deadline: datetime | None
    non_return: NonReturnSet | None


@dataclass(frozen=True)
class ParticipantChanged:
    participant_id: UUID
    status: str
    version: int


@dataclass(frozen=True)
class RoiSigned(ParticipantChanged):
    roi_id: UUID
    replaced: tuple[UUID, ...] = ()  # the ROIs it replaced, revoked as it was signed


@dataclass(frozen=True)
class RoiRevoked(ParticipantChanged):
    revoked: tuple[UUID, ...] = ()  # the ROI named, or every one in force then


@dataclass(frozen=True)
class DeadlineExtended(ParticipantChanged):
    intake_deadline: datetime | None


@dataclass(frozen=True)
class CaseManagerAssigned(ParticipantChanged):
    case_manager_id: UUID
    caseload: int


@dataclass(frozen=True)
class PolicyInForce:
    version: int
    terms: PolicyTerms


@dataclass(frozen=True)
class CaseManagerRegistered:
    case_manager_id: UUID
    name: str


@dataclass(frozen=True)
class CaseManagerStatus:
    case_manager_id: UUID
    name: str
    retired_at: datetime | None


@dataclass(frozen=True)
class MatterChanged:
    matter_id: UUID
    participant_id: UUID
    kind: str
    state: str
    version: int


@dataclass(frozen=True)
class MatterDecided(MatterChanged):
    decision: str


@dataclass(frozen=True)
class ShareRecorded:
    share_id: UUID
    participant_id: UUID
    roi_id: UUID


@dataclass(frozen=True)
class ShareRefused:
    """Nothing was shared; the attempt is recorded (a refused answer, replayed as such)."""

    attempt_id: UUID
    reason: str
    detail: str


@dataclass(frozen=True)
class AdverseActionRecorded:
    action_id: UUID
    participant_id: UUID
    basis_declared: bool


@dataclass(frozen=True)
class ReportRequestRecorded:
    request_id: UUID
    participant_id: UUID
    kind: str
    answered: str | None = None


@dataclass(frozen=True)
class MissedDiversionRecorded:
    missed_diversion_id: UUID


@dataclass(frozen=True)
class FlagReviewed:
    flag_id: UUID
    status: str
    review_id: UUID


@dataclass(frozen=True)
class DuplicateDecided:
    """A possible duplicate linked, dismissed or unlinked: `earlier_id` is the record a link
    points to, `later_id` the one linked into it."""

    candidate_id: UUID
    status: str
    earlier_id: UUID
    later_id: UUID
