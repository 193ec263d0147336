"""Pieces of participant information shared by several views (plain models: the section is
declared where a view holds them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.disclosure import Section
from services.views.sections import In, Sectioned

ParticipantStatus = Literal[
    "referred", "enrolled", "intake_deadline_expired", "discharged", "declined"
]


def absent() -> Any:
    """The default of a sectioned field: left unset, so absent from the JSON."""
    return Field(default=None)


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IdentifierOut(Part):
    system: str
    value: str


class PersonOut(Sectioned):
    given_name: Annotated[str, In(Section.IDENTITY)] = absent()
    family_name: Annotated[str, In(Section.IDENTITY)] = absent()
    date_of_birth: Annotated[date | None, In(Section.IDENTITY)] = absent()
    identifiers: Annotated[list[IdentifierOut], In(Section.IDENTIFIERS)] = absent()


class ChargeOut(Part):
    code: str
    description: str


class RoiOut(Part):
    roi_id: UUID
    signed_at: datetime
    agencies: list[str] = Field(description="to another agency: only itself")
    categories: list[str] = Field(description="plan, engagement, legal_status")
    expires_at: datetime | None


class AlertOut(Part):
    """A time-based alert raised about the participant (issue 17)."""

    kind: str = Field(description="`intake` (a deadline near) or `roi` (a ROI expiring)")
    subject_id: UUID = Field(description="the referral or the ROI")
    deadline: datetime
    days_before: int


class RoiSummary(Part):
    """Whether a ROI is in force; to the site's staff, the newest one in force."""

    in_force: bool
    roi_id: UUID | None = absent()
    signed_at: datetime | None = absent()
    agencies: list[str] = absent()
    categories: list[str] = absent()
    expires_at: datetime | None = absent()


class NonReturnRequest(Part):
    location: str
    until: datetime
    in_force: bool


class ReferralOut(Part):
    referral_id: UUID
    door: str
    referred_at: datetime
    agency: str
    status: str
    decline_reason: str | None
    intake_deadline: datetime | None
    policy_version: int
    charges: list[ChargeOut]
    handed_off_at: datetime | None = Field(
        default=None, description="the warm handoff to case management; null: not recorded"
    )


class PlanOut(Part):
    completed_at: datetime
    summary: str


class EngagementOut(Part):
    last_contact_at: datetime | None
    contacts: int
    attempts: int


class DemographicsOut(Part):
    race: list[str]
    ethnicity: str | None
    gender: str | None


class DischargeOut(Part):
    discharged_at: datetime
    reason: str | None


class ProgressOut(Part):
    """All that courts and probation learn of a participant's progress."""

    working_with_participant: bool = Field(
        description="case management is working with the person (enrolled, not discharged)"
    )


class DecisionOut(Part):
    decision: str
    decided_at: datetime


class MatterOut(Part):
    matter_id: UUID
    kind: str
    state: str
    open: bool
    case_number: str
    court: str
    charges: list[ChargeOut]
    incident_at: datetime | None
    referral_id: UUID | None
    office: str | None = Field(description="the office that holds it; null: the liaison offices")
    parties: list[str]
    opened_at: datetime
    review_at: datetime | None
    protected: bool
    enrolled_while_filed: bool
    last_decision: DecisionOut | None
    version: int


class ShareOut(Part):
    share_id: UUID
    recipient_agency: str
    category: str
    summary: str
    roi_id: UUID
    shared_at: datetime
