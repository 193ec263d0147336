"""`GET /v1/participants/{id}/shares`, `…/adverse-actions`, `…/report-requests` and
`GET /v1/legal-matters/{id}`: parts of a participant's record, each in its section (DOMAIN.md,
"Who sees what"), rows already narrowed to the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from domain.coordination import AdverseAction, ReportRequest
from domain.disclosure import Section
from domain.legal_matter import DecisionRecord, LegalMatter
from services.legal_coordination.listing import matter_view
from services.views.parts import MatterOut, Part, ShareOut, absent
from services.views.sections import In, Key, Sectioned

S = Section


class BasisOut(Part):
    independent_source: str | None
    lead_information_refs: list[UUID]
    exceptional_circumstances: str | None


class AdverseActionOut(Part):
    action_id: UUID
    kind: str
    matter_id: UUID | None
    taken_at: datetime
    basis: BasisOut
    basis_declared: bool = Field(description="false is itself a Golden Rule flag")
    note: str
    agency: str = Field(description="the agency that took it")
    role: str


class ReportRequestOut(Part):
    request_id: UUID
    kind: str
    note: str
    requested_at: datetime
    agency: str = Field(description="the agency that asked")
    role: str
    answer: str | None = Field(description="the case manager's answer; null: not yet")
    answered_at: datetime | None


class DecisionDetailOut(Part):
    decision: str
    decided_at: datetime
    note: str = Field(description="why")
    actor: str
    agency: str
    state: str = Field(description="the state the decision left the matter in")


class SharesView(Sectioned):
    """The shares the caller may see: all to the site's staff, its own to a recipient."""

    participant_id: Annotated[UUID, Key()]
    items: Annotated[list[ShareOut], In(S.SHARES)] = absent()
    next: Annotated[None, Key()] = None


class AdverseActionsView(Sectioned):
    participant_id: Annotated[UUID, Key()]
    items: Annotated[list[AdverseActionOut], In(S.LEGAL)] = absent()
    next: Annotated[None, Key()] = None


class ReportRequestsView(Sectioned):
    """A requesting agency sees its own requests and their answers; the site's staff all."""

    participant_id: Annotated[UUID, Key()]
    items: Annotated[list[ReportRequestOut], In(S.PARTICIPATION)] = absent()
    next: Annotated[None, Key()] = None


class MatterRead(Sectioned):
    matter_id: Annotated[UUID, Key()]
    participant_id: Annotated[UUID, In(S.LEGAL)] = absent()
    matter: Annotated[MatterOut, In(S.LEGAL)] = absent()
    decisions: Annotated[list[DecisionDetailOut], In(S.LEGAL)] = absent()


def action_out(action: AdverseAction) -> dict[str, Any]:
    basis = action.basis
    return vars(action) | {
        "basis": {
            "independent_source": basis.independent_source,
            "lead_information_refs": list(basis.lead_information_refs),
            "exceptional_circumstances": basis.exceptional_circumstances,
        },
        "basis_declared": basis.declared,
    }


def decision_out(decided: DecisionRecord) -> dict[str, Any]:
    meta = decided.meta
    return {
        "decision": decided.decision,
        "decided_at": decided.decided_at,
        "note": decided.note,
        "actor": meta.actor,
        "agency": meta.agency,
        "state": decided.state,
    }


def matter_values(matter: LegalMatter) -> dict[str, Any]:
    return {
        "matter_id": matter.id,
        "participant_id": matter.participant_id,
        "matter": lambda: matter_view(matter),
        "decisions": lambda: [decision_out(d) for d in matter.decisions],
    }


def request_out(request: ReportRequest) -> dict[str, Any]:
    return vars(request)
