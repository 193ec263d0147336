"""`GET /v1/participants/{id}` (now, or as known at a moment): one field per piece of the
record, each in its section; the builder leaves out what the caller may not see."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from domain import alerts
from domain.disclosure import Section
from domain.participant import Participant
from domain.participant_state import ReferralState, Status
from services.views.parts import (
    AlertOut,
    DemographicsOut,
    DischargeOut,
    EngagementOut,
    MatterOut,
    NonReturnRequest,
    ParticipantStatus,
    PersonOut,
    PlanOut,
    ProgressOut,
    ReferralOut,
    RoiOut,
    RoiSummary,
    ShareOut,
    absent,
)
from services.views.record import ParticipantRecord
from services.views.sections import In, Key, Sectioned

S = Section


class ParticipantView(Sectioned):
    """A section the caller may not see is absent; a caller who may see none gets a 404."""

    participant_id: Annotated[UUID, Key()]
    version: Annotated[int, Key()]
    status: Annotated[ParticipantStatus, In(S.PARTICIPATION)] = absent()
    case_manager_id: Annotated[UUID | None, In(S.PARTICIPATION)] = absent()
    intake_deadline: Annotated[datetime | None, In(S.PARTICIPATION)] = absent()
    roi: Annotated[RoiSummary | None, In(S.PARTICIPATION)] = absent()
    rois: Annotated[list[RoiOut], In(S.PARTICIPATION)] = absent()
    # The same person on two records: the earlier one this record shows under, and the
    # later ones linked into this record.
    linked_to: Annotated[UUID | None, In(S.PARTICIPATION)] = absent()
    linked_records: Annotated[list[UUID], In(S.PARTICIPATION)] = absent()
    progress: Annotated[ProgressOut, In(S.PROGRESS)] = absent()
    person: PersonOut | None = None
    demographics: Annotated[DemographicsOut, In(S.CASE_RECORD)] = absent()
    enrolled_at: Annotated[datetime | None, In(S.CASE_RECORD)] = absent()
    discharge: Annotated[DischargeOut | None, In(S.CASE_RECORD)] = absent()
    non_return: Annotated[NonReturnRequest | None, In(S.NON_RETURN)] = absent()
    referrals: Annotated[list[ReferralOut], In(S.REFERRALS)] = absent()
    legal_matters: Annotated[list[MatterOut], In(S.LEGAL)] = absent()
    plan: Annotated[PlanOut | None, In(S.PLAN)] = absent()
    active: Annotated[bool, In(S.ENGAGEMENT)] = absent()
    engagement: Annotated[EngagementOut, In(S.ENGAGEMENT)] = absent()
    shares: Annotated[list[ShareOut], In(S.SHARES)] = absent()
    alerts: Annotated[list[AlertOut], In(S.CASE_RECORD)] = absent()


def participant_values(record: ParticipantRecord) -> dict[str, Any]:
    """Every field of the view, rows already narrowed to the caller; the builder keeps the
    sections the caller may see (the costly ones are computed only then)."""
    p, at, rows = record.participant, record.at, record.rows
    return {
        "participant_id": p.id,
        "version": p.version,
        "status": p.status,
        "case_manager_id": p.case_manager_id,
        "intake_deadline": p.intake_deadline,
        "roi": lambda: roi_summary(record),
        "rois": lambda: [roi_out(roi) for roi in rows.rois(p.rois, at)],
        "linked_to": p.linked_to,
        "linked_records": list(p.linked_records),
        "progress": {"working_with_participant": p.status == Status.ENROLLED},
        "person": {
            "given_name": p.person.given_name,
            "family_name": p.person.family_name,
            "date_of_birth": p.person.date_of_birth,
            "identifiers": lambda: [
                {"system": i.system, "value": i.value}
                for i in rows.identifiers(p.identifier_records(), record.terms)
            ],
        },
        "demographics": vars(p.demographics),
        "enrolled_at": p.enrolled_at,
        "discharge": discharge(p),
        "non_return": lambda: non_return(p, at),
        "referrals": lambda: [referral_out(r) for r in rows.referrals(record.referrals())],
        "legal_matters": record.matter_views,
        "plan": None
        if p.intake_completed_at is None
        else {"completed_at": p.intake_completed_at, "summary": p.plan_summary},
        "active": p.is_active(at, record.terms),
        "engagement": {
            "last_contact_at": p.engagement.last_contact_at,
            "contacts": p.engagement.contacts,
            "attempts": p.engagement.attempts,
        },
        "shares": lambda: [vars(share) for share in rows.shares(record.shares)],
        "alerts": lambda: [alert_out(key) for key in p.alerts_raised()],
    }


def roi_summary(record: ParticipantRecord) -> dict[str, Any] | None:
    p = record.participant
    roi = p.current_roi(record.at)
    if roi is None:
        return {"in_force": False} if p.rois else None
    if not record.rows.caller.full_view:
        return {"in_force": True}
    return {"in_force": True} | roi_out(roi)


def roi_out(roi: Any) -> dict[str, Any]:
    return {
        "roi_id": roi.roi_id,
        "signed_at": roi.signed_at,
        "agencies": list(roi.agencies),
        "categories": list(roi.categories),
        "expires_at": roi.expires_at,
    }


def discharge(p: Participant) -> dict[str, Any] | None:
    if p.status != Status.DISCHARGED or p.discharged_at is None:
        return None
    return {"discharged_at": p.discharged_at, "reason": p.discharge_reason}


def non_return(p: Participant, at: datetime) -> dict[str, Any] | None:
    request = p.non_return()
    if request is None:
        return None
    return {"location": request.location, "until": request.until, "in_force": request.in_force(at)}


def referral_out(r: ReferralState) -> dict[str, Any]:
    return {
        "referral_id": r.referral_id,
        "door": r.door,
        "referred_at": r.referred_at,
        "agency": r.agency,
        "status": r.status,
        "decline_reason": r.decline_reason,
        "intake_deadline": r.intake_deadline,
        "policy_version": r.policy_version,
        "charges": [vars(c) for c in r.arrest.charges] if r.arrest else [],
        "handed_off_at": r.handed_off_at,
    }


def alert_out(key: str) -> dict[str, Any]:
    kind, subject, deadline, days = alerts.parse_key(key)
    return {"kind": kind, "subject_id": subject, "deadline": deadline, "days_before": days}
