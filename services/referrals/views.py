"""What each caller may see of a participant: least privilege by role and by the ROI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.participant import Participant
from domain.values import PolicyTerms
from services.context import Viewer
from services.jsonable import json_object

FULL_VIEW_ROLES = frozenset({"auditor", "project_manager", "case_manager", "supervisor"})
IDENTITY_ROLES = FULL_VIEW_ROLES | {"police", "prosecutor"}

# ROI categories that open a section of the record to an agency the ROI names.
PLAN = "plan"
ENGAGEMENT = "engagement"
LEGAL_STATUS = "legal_status"
HEALTH = "health"


def participant_view(
    p: Participant,
    viewer: Viewer,
    at: datetime,
    terms: PolicyTerms,
    legal_matters: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Everyone sees status, the non-return request and a case-management contact;
    more only by role or because a ROI in force names the caller's agency and category."""
    full = viewer.role in FULL_VIEW_ROLES

    def may(category: str) -> bool:
        return full or p.roi_covers(viewer.agency, category, at)

    request = p.non_return()
    view: dict[str, Any] = {
        "participant_id": p.id,
        "status": p.status,
        "active": p.is_active(at, terms),
        "case_manager_id": p.case_manager_id,
        "non_return": None
        if request is None
        else {
            "location": request.location,
            "until": request.until,
            "in_force": request.in_force(at),
        },
        "intake_deadline": p.intake_deadline,
        "roi": roi_summary(p, at, detailed=full),
        "legal_matters": list(legal_matters) if sees_legal_matters(p, viewer, at) else [],
        "version": p.version,
    }
    if full or viewer.role in IDENTITY_ROLES or (p.current_roi(at) is not None and may(PLAN)):
        view["person"] = p.person
    if full:
        view["demographics"] = p.demographics
        view["enrolled_at"] = p.enrolled_at
        view["discharge"] = (
            None
            if p.discharged_at is None
            else {"discharged_at": p.discharged_at, "reason": p.discharge_reason}
        )
    view["referrals"] = [referral_view(r) for r in p.referrals if full or r.agency == viewer.agency]
    if may(PLAN):
        view["plan"] = (
            None
            if p.intake_completed_at is None
            else {"completed_at": p.intake_completed_at, "summary": p.plan_summary}
        )
    if may(ENGAGEMENT):
        view["engagement"] = {
            "last_contact_at": p.engagement.last_contact_at,
            "contacts": p.engagement.contacts,
            "attempts": p.engagement.attempts,
        }
    return json_object(view)


def sees_legal_matters(p: Participant, viewer: Viewer, at: datetime) -> bool:
    """Legal matters are the prosecutor's own records; others see them by role or by a ROI
    in force that names their agency for legal status."""
    return (
        viewer.role == "prosecutor"
        or viewer.role in FULL_VIEW_ROLES
        or p.roi_covers(viewer.agency, LEGAL_STATUS, at)
    )


def roi_summary(p: Participant, at: datetime, *, detailed: bool) -> dict[str, Any] | None:
    roi = p.current_roi(at)
    if roi is None:
        return {"in_force": False} if p.rois else None
    if not detailed:
        return {"in_force": True}
    return {
        "in_force": True,
        "roi_id": roi.roi_id,
        "signed_at": roi.signed_at,
        "agencies": list(roi.agencies),
        "categories": list(roi.categories),
        "expires_at": roi.expires_at,
    }


def referral_view(r: Any) -> dict[str, Any]:
    return {
        "referral_id": r.referral_id,
        "door": r.door,
        "referred_at": r.referred_at,
        "agency": r.agency,
        "status": r.status,
        "decline_reason": r.decline_reason,
        "intake_deadline": r.intake_deadline,
        "policy_version": r.policy_version,
        "charges": list(r.arrest.charges) if r.arrest else [],
    }
