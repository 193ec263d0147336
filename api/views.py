"""Documents of the reads that carry no participant information: capacity, evaluation figures,
operations. (Participant reads are shaped by the one disclosure policy.)"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from services.read_side.capacity import CapacityFigures

Count = int | str  # "<11" where small cells are suppressed


class CaseManagerLoadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    case_manager_id: UUID
    name: str
    caseload: int


class CaseManagerOut(CaseManagerLoadOut):
    retired_at: datetime | None = Field(
        description="when the case manager left; a retired case manager takes no participants"
    )


class CaseManagerList(BaseModel):
    items: list[CaseManagerOut]
    next: None = Field(default=None, description="the whole roster fits one page")


class CapacityDocument(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    case_managers: list[CaseManagerLoadOut]
    average_caseload: float
    caseload_max: int
    caseload_average_threshold: int
    accepting_priority_referrals: bool = Field(
        description="arrest diversion, social contact and community referrals are accepted"
    )
    accepting_post_filing_referrals: bool = Field(
        description="court and prosecutor referrals are accepted (never at the priority doors'"
        " expense)"
    )
    policy_version: int
    position: int = Field(description="the position the capacity view had reached")

    @classmethod
    def of(cls, figures: CapacityFigures, position: int) -> Self:
        return cls.model_validate({**vars(figures), "position": position})


class StageCounts(BaseModel):
    referred: Count
    declined: Count
    enrolled: Count
    intake_expired: Count
    discharged: Count
    readmitted: Count
    handed_off: Count = Field(description="warm handoffs recorded")
    handed_off_within_30m: Count = Field(description="warm handoffs within 30 minutes")
    engaged_30d: Count = Field(description="intake assessment within 30 days of referral")
    retained_6m: Count = Field(
        description="enrolled 6 months or more before the report, not discharged within 6 months"
    )
    retained_12m: Count = Field(description="as retained_6m, at 12 months")
    missed_diversions: Count = Field(
        description="diversion-eligible arrests booked instead (door arrest_diversion, by the "
        "arrest's month): with those referred, the diversion-eligible arrests"
    )


class PeopleCounts(BaseModel):
    """People at each stage: distinct persons, a record linked into an earlier one counted as
    that person (issue 19); counts above are of referrals."""

    referred: Count
    declined: Count
    enrolled: Count
    intake_expired: Count
    discharged: Count
    readmitted: Count
    handed_off: Count
    handed_off_within_30m: Count
    engaged_30d: Count


class StageRates(BaseModel):
    """Each stage among those referred; null when nobody was."""

    declined: float | None
    enrolled: float | None
    intake_expired: float | None
    discharged: float | None
    readmitted: float | None
    handed_off: float | None
    handed_off_within_30m: float | None
    engaged_30d: float | None = Field(description="the 30-day engagement rate")
    retained_6m: float | None
    retained_12m: float | None


class DaysToIntake(BaseModel):
    count: Count
    median: float | None
    mean: float | None


class Figures(BaseModel):
    counts: StageCounts
    people: PeopleCounts
    rates: StageRates
    days_to_intake: DaysToIntake


class EvaluationGroup(Figures):
    """One group: the values of the dimensions asked for in `by`, and its figures."""

    door: str | None = None
    race: str | None = None
    ethnicity: str | None = None
    gender: str | None = None
    period: str | None = Field(default=None, description="e.g. 2026-11, 2026-Q4, 2026")


class EvaluationDocument(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    start: str | None = Field(alias="from")
    end: str | None = Field(alias="to")
    by: list[str]
    period: Literal["month", "quarter", "year"]
    groups: list[EvaluationGroup]
    totals: Figures
    suppressed: bool = Field(
        description='counts from 1 to 10 read "<11" (project managers); auditors see exact counts'
    )
    position: int


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]


class NotReady(BaseModel):
    status: Literal["not_ready", "degraded"]
    projections: list[str] = Field(description="names of read models stuck or quarantining")
