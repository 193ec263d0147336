"""Mutable state the participant aggregate keeps per referral and per ROI."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.values import Arrest, Identifier


class Status(StrEnum):
    """Where a referral stands, and so where its participant stands (the latest accepted
    referral's status until enrollment, then enrolled or discharged)."""

    REFERRED = "referred"
    DECLINED = "declined"
    ENROLLED = "enrolled"
    EXPIRED = "intake_deadline_expired"
    DISCHARGED = "discharged"


@dataclass
class ReferralState:
    referral_id: UUID
    door: str
    referred_at: datetime
    agency: str
    status: str
    policy_version: int
    decline_reason: str | None = None
    arrest: Arrest | None = None
    intake_deadline: datetime | None = None
    non_return_until: datetime | None = None
    non_return_exception: bool = False
    identifiers: tuple[Identifier, ...] = ()  # those this referral brought to the record
    handed_off_at: datetime | None = None  # the warm handoff to case management (issue 16)

    @property
    def open_for_intake(self) -> bool:
        return self.status == Status.REFERRED and self.intake_deadline is not None


@dataclass
class RoiState:
    roi_id: UUID
    signed_at: datetime
    agencies: tuple[str, ...]
    categories: tuple[str, ...]
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def in_force(self, at: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= at:
            return False
        if self.expires_at is not None and self.expires_at <= at:
            return False
        return self.signed_at <= at

    def covers(self, agency: str, category: str, at: datetime) -> bool:
        return self.in_force(at) and agency in self.agencies and category in self.categories


@dataclass
class NonReturn:
    referral_id: UUID
    location: str
    until: datetime
    lifted: bool

    def in_force(self, at: datetime) -> bool:
        return not self.lifted and at < self.until


@dataclass
class Engagement:
    last_contact_at: datetime | None = None
    contacts: int = 0
    attempts: int = 0
    history: list[tuple[datetime, str]] = field(default_factory=list)
