"""Request bodies of legal coordination: strict like `api/schemas.py`, and their domain values."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.schemas import (
    ChargeIn,
    Code,
    DemographicsIn,
    LaxUUID,
    LongNote,
    Name,
    Note,
    Reason,
    Slug,
    StrictBody,
    Text,
    Timestamp,
)
from domain import values
from domain.legal_values import Basis, MatterDetails
from services.legal_coordination.matters import DecisionCommand
from services.legal_coordination.missed import MissedDiversionCommand
from services.legal_coordination.sharing import (
    AdverseActionCommand,
    ReportAnswer,
    ReportRequestCommand,
    ShareCommand,
)

Claim = Reason
Decision = Literal[
    "hold",
    "release_hold",
    "decline",
    "file",
    "dismiss",
    "support_quash",
    "quashed",
    "forgo_detention",
    "support_release",
    "disposition",
]
AdverseKind = Literal[
    "booking",
    "charge_filed",
    "detention_motion",
    "warrant_request",
    "revocation_motion",
    "case_manager_subpoena",
]


class BasisIn(StrictBody):
    """What the action rests on; declare every element that applies."""

    independent_source: Claim | None = None
    lead_information_refs: list[LaxUUID] = Field(
        default_factory=list, max_length=100, description="share ids from information-shares"
    )
    exceptional_circumstances: Claim | None = None

    def value(self) -> Basis:
        return Basis(
            self.independent_source,
            tuple(dict.fromkeys(self.lead_information_refs)),
            self.exceptional_circumstances,
        )


class LegalMatterIn(StrictBody):
    kind: Literal["pending_case", "warrant", "post_enrollment_case"]
    case_number: Name
    court: Text = ""
    charges: list[ChargeIn] = Field(default_factory=list, max_length=20)
    incident_at: Timestamp | None = None
    office: Slug | None = Field(
        default=None,
        description="the prosecutor office that holds it: a prosecutor's own office; case "
        "management names it (none: the site's liaison prosecutor offices)",
    )
    parties: list[Slug] = Field(
        default_factory=list,
        max_length=10,
        description="other agencies party to it (court, probation, defense): they see it",
    )

    def details(self) -> MatterDetails:
        charges = tuple(values.Charge(c.code, c.description) for c in self.charges)
        parties = tuple(dict.fromkeys(self.parties))
        return MatterDetails(
            self.case_number,
            self.court,
            charges,
            self.incident_at,
            office=self.office,
            parties=parties,
        )


class DecisionIn(StrictBody):
    decision: Decision
    review_at: Timestamp | None = Field(default=None, description="hold only: when to review")
    basis: BasisIn | None = Field(default=None, description="file only: required")
    note: Note = ""
    decided_at: Timestamp | None = Field(default=None, description="business time; default now")

    def command(self) -> DecisionCommand:
        basis = self.basis.value() if self.basis is not None else None
        return DecisionCommand(self.decision, self.note, self.decided_at, self.review_at, basis)


class InformationShareIn(StrictBody):
    recipient_agency: Slug
    category: Code
    summary: LongNote
    shared_at: Timestamp

    def command(self) -> ShareCommand:
        return ShareCommand(self.recipient_agency, self.category, self.summary, self.shared_at)


class AdverseActionIn(StrictBody):
    kind: AdverseKind
    taken_at: Timestamp
    matter_id: LaxUUID | None = None
    basis: BasisIn = Field(default_factory=BasisIn)
    note: Note = ""

    def command(self) -> AdverseActionCommand:
        return AdverseActionCommand(
            self.kind, self.taken_at, self.basis.value(), self.matter_id, self.note
        )


class ReportRequestIn(StrictBody):
    requested_at: Timestamp
    kind: Literal["violation_report", "progress_report"] = Field(
        description="a `violation_report` request is itself a Golden Rule flag"
    )
    note: Note = ""

    def command(self) -> ReportRequestCommand:
        return ReportRequestCommand(self.kind, self.requested_at, self.note)


class ReportAnswerIn(StrictBody):
    answered_at: Timestamp
    answer: Literal["nothing_helpful_to_report", "working_with_participant"] = Field(
        description='the toolkit: "nothing helpful to report at this time", never violations'
    )

    def command(self) -> ReportAnswer:
        return ReportAnswer(self.answer, self.answered_at)


class MissedDiversionIn(StrictBody):
    """A diversion-eligible arrest (every charge divertible) that was booked instead."""

    arrested_at: Timestamp
    booked_at: Timestamp
    charges: list[ChargeIn] = Field(min_length=1, max_length=20)
    agency: Slug = Field(description="the arresting police agency")
    demographics: DemographicsIn = Field(default_factory=DemographicsIn)
    note: Note = ""

    def command(self) -> MissedDiversionCommand:
        d = self.demographics
        return MissedDiversionCommand(
            self.arrested_at,
            self.booked_at,
            tuple(values.Charge(c.code, c.description) for c in self.charges),
            self.agency,
            values.Demographics(tuple(d.race), d.ethnicity, d.gender),
            self.note,
        )
