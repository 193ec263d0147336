"""Request bodies: strict (unknown fields and wrong types are 422, never coerced), bounded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict

from domain import text
from domain.disclosure import ROI_CATEGORIES
from domain.text import TextRule

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        msg = "timestamps need an offset (RFC 3339), e.g. 2026-11-24T10:00:00Z"
        raise ValueError(msg)
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        msg = f"timestamps lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
        raise ValueError(msg)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        msg = "timestamp out of range"
        raise ValueError(msg) from None


# FastAPI validates parsed JSON, so strict datetimes would reject every ISO string:
# only the datetime fields are lax, and they still demand an offset.
Timestamp = Annotated[datetime, Strict(strict=False), AfterValidator(_utc)]


def _plausible_day(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        msg = f"dates lie between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
        raise ValueError(msg)
    return value


Day = Annotated[date, Strict(strict=False), AfterValidator(_plausible_day)]
LaxUUID = Annotated[UUID, Strict(strict=False)]


def bounds(rule: TextRule, pattern: str | None = None) -> Any:
    """A kind of text's bounds (`domain/text.py`) as the schema states them; the value itself
    goes through `rule.clean` (control characters, NFC), which the aliases below add."""
    return Field(
        min_length=rule.min_length or None,
        max_length=rule.max_length,
        pattern=pattern,
        json_schema_extra=None if pattern else {"pattern": rule.pattern},
    )


Text = Annotated[str, bounds(text.LABEL), AfterValidator(text.LABEL.clean)]
Name = Annotated[str, bounds(text.NAME), AfterValidator(text.NAME.clean)]
Note = Annotated[str, bounds(text.NOTE), AfterValidator(text.NOTE.clean)]
Reason = Annotated[str, bounds(text.REASON), AfterValidator(text.REASON.clean)]
LongNote = Annotated[str, bounds(text.LONG_NOTE), AfterValidator(text.LONG_NOTE.clean)]
ReviewNote = Annotated[str, bounds(text.REVIEW_NOTE), AfterValidator(text.REVIEW_NOTE.clean)]
Demographic = Annotated[str, bounds(text.DEMOGRAPHIC), AfterValidator(text.DEMOGRAPHIC.clean)]
Slug = Annotated[str, bounds(text.SLUG, r"^[a-z0-9][a-z0-9_.-]*$"), AfterValidator(text.SLUG.clean)]
Code = Annotated[str, bounds(text.CODE), AfterValidator(text.CODE.clean)]
Token = Annotated[str, bounds(text.TOKEN), AfterValidator(text.TOKEN.clean)]


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class IdentifierIn(StrictBody):
    system: Code
    value: Code


class PersonIn(StrictBody):
    given_name: Name
    family_name: Name
    date_of_birth: Day | None = None
    identifiers: list[IdentifierIn] = Field(default_factory=list, max_length=20)


class DemographicsIn(StrictBody):
    race: list[Demographic] = Field(default_factory=list, max_length=10)
    ethnicity: Demographic | None = None
    gender: Demographic | None = None


class ChargeIn(StrictBody):
    code: Code
    description: Text = ""


class LocationIn(StrictBody):
    description: Name
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class ArrestIn(StrictBody):
    charges: list[ChargeIn] = Field(min_length=1, max_length=20)
    location: LocationIn
    released_at: Timestamp
    exclusions: list[Code] = Field(
        default_factory=list,
        max_length=20,
        description="site exclusion criteria (codes) the person meets",
    )


class OverrideIn(StrictBody):
    by: Name
    reason: Reason


class CriteriaIn(StrictBody):
    chronic_law_violations: bool
    public_expectation_of_response: bool


Door = Literal["arrest_diversion", "social_contact", "community", "court", "prosecutor"]


class ReferralIn(StrictBody):
    door: Door
    participant_id: LaxUUID | None = None
    person: PersonIn
    referred_at: Timestamp
    demographics: DemographicsIn = Field(default_factory=DemographicsIn)
    arrest: ArrestIn | None = None
    exclusion_override: OverrideIn | None = None
    criteria: CriteriaIn | None = None
    referring_organization: Text | None = None


class IdentifierSystemIn(StrictBody):
    system: Code
    agency: Slug = Field(description="the agency that issues it (a client is registered for)")
    description: Text = ""


class PolicyIn(StrictBody):
    """The whole policy document: every field is required (PATCH changes some)."""

    divertible_charges: list[ChargeIn] = Field(max_length=2000)
    exclusion_criteria: list[ChargeIn] = Field(max_length=200)
    intake_deadline_days: int = Field(ge=1, le=365)
    non_return_hours: int = Field(ge=1, le=720)
    caseload_max: int = Field(ge=1, le=500)
    caseload_average_threshold: int = Field(ge=1, le=500)
    discharge_min_inactive_days: int = Field(ge=1, le=3650)
    hold_review_max_days: int = Field(ge=1, le=3650)
    inactive_after_days: int = Field(ge=1, le=3650)
    intake_reminder_days: int = Field(
        default=7,
        ge=1,
        le=365,
        description="case management and the referring agency are alerted this many days "
        "before an intake deadline (7 when a document written before v1.1 leaves it out)",
    )
    roi_expiry_reminder_days: int = Field(
        default=14,
        ge=1,
        le=3650,
        description="case management is alerted this many days before a ROI expires "
        "(14 when left out)",
    )
    identifier_systems: list[IdentifierSystemIn] = Field(
        max_length=200,
        description="each system's issuing agency: only it claims or looks up its identifiers",
    )
    liaison_prosecutor_agencies: list[Slug] = Field(
        max_length=50, description="the prosecutor offices that decide on diverted charges"
    )
    retention_days_after_discharge: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        description="days after discharge (or after the last referral of someone never "
        "enrolled) when a record is listed for review (GET /v1/retention/due); null: none",
    )


class CaseManagerIn(StrictBody):
    name: Name


class IntakeIn(StrictBody):
    completed_at: Timestamp
    plan_summary: LongNote


RoiCategory = Annotated[
    str,
    Field(
        min_length=1,
        max_length=text.CODE.max_length,
        json_schema_extra={"enum": sorted(ROI_CATEGORIES)},
    ),
]


class RoiIn(StrictBody):
    signed_at: Timestamp
    agencies: list[Slug] = Field(
        min_length=1, max_length=50, description="agencies a client is registered for"
    )
    categories: list[RoiCategory] = Field(min_length=1, max_length=3)
    expires_at: Timestamp | None = None
    replaces: list[LaxUUID] | Literal["all"] | None = Field(
        default=None,
        description='ROIs this one replaces (revoked as it is signed); "all": every one in force',
    )


class RoiRevokeIn(StrictBody):
    revoked_at: Timestamp
    reason: Note | None = None
    roi_id: LaxUUID | None = Field(
        default=None, description="the ROI revoked; without it, every ROI in force"
    )


class ExtendDeadlineIn(StrictBody):
    new_deadline: Timestamp
    agreed_by: Name
    reason: Literal["specific_reason", "incapacitated"]
    note: Note = ""


class AssignIn(StrictBody):
    case_manager_id: LaxUUID


class ContactIn(StrictBody):
    contacted_at: Timestamp
    kind: Literal["field", "office", "phone", "attempt"]


class NonReturnExceptionIn(StrictBody):
    agreed_by: Name
    reason: Reason


class NonReturnViolationIn(StrictBody):
    observed_at: Timestamp
    note: Note = ""


class WarmHandoffIn(StrictBody):
    handed_off_at: Timestamp
    case_manager_id: LaxUUID | None = Field(
        default=None, description="the case manager who took the person over, if known"
    )


class DischargeIn(StrictBody):
    discharged_at: Timestamp
    reason: Literal[
        "sustained_non_engagement", "no_behavior_change", "staff_safety", "program_safety"
    ]
    note: Note = ""


class ReadmitIn(StrictBody):
    readmitted_at: Timestamp
    note: Note = ""
