"""DOMAIN.md's "Who sees what", restated for the tests from the rulebook (not from the code):
what each reader may see of one participant, given how its agency is tied to them, and how a
JSON answer shows which sections it holds. tests/e2e/test_disclosure_matrix.py holds every
read path to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTIONS = (
    "participation",
    "identity",
    "identifiers",
    "non_return",
    "referrals",
    "legal",
    "plan",
    "engagement",
    "shares",
    "progress",
    "case_record",
    "golden_rule",
)
WHOLE_RECORD = frozenset({"auditor", "project_manager", "case_manager", "supervisor"})
FLAG_WATCHERS = frozenset({"defense", "project_manager", "auditor"})
HOLDS_MATTERS = frozenset({"prosecutor", "court", "probation"})


@dataclass(frozen=True)
class Ties:
    """How an agency is tied to the person, at the moment of the reads."""

    referred: bool = False
    holds: bool = False  # its office holds a legal matter on them
    party: bool = False  # party to one of their matters
    roi: frozenset[str] = frozenset()  # categories the ROIs in force release to it
    shares: bool = False  # it received shares about them
    watched: bool = False  # a Golden Rule flag names them
    made_non_return: bool = False


@dataclass(frozen=True)
class Reader:
    role: str
    agency: str
    ties: Ties = field(default_factory=Ties)

    @property
    def whole(self) -> bool:
        return self.role in WHOLE_RECORD


def may_see(reader: Reader, non_return_in_force: bool = True) -> frozenset[str]:
    """The table, row by row."""
    if reader.whole:
        seen = set(SECTIONS) - {"progress", "golden_rule"}
        return frozenset(seen | ({"golden_rule"} if reader.role in FLAG_WATCHERS else set()))
    t, role = reader.ties, reader.role
    related = t.referred or bool(t.roi) or ((t.holds or t.party) and role in HOLDS_MATTERS)
    seen = {"participation", "identity", "identifiers"} if related else set()
    if t.made_non_return or (role == "police" and non_return_in_force):
        seen.add("non_return")
    seen |= {"referrals"} if t.referred else set()
    seen |= {"legal"} if t.holds or t.party or "legal_status" in t.roi else set()
    supervises = role in ("court", "probation")  # never: they learn only that CM works with them
    seen |= {"plan"} if "plan" in t.roi and not supervises else set()
    seen |= {"engagement"} if "engagement" in t.roi and not supervises else set()
    seen |= {"shares"} if t.shares else set()
    seen |= {"progress"} if related and role in ("court", "probation") else set()
    seen |= {"golden_rule"} if role == "defense" and t.watched else set()
    return frozenset(seen)


VIEW_FIELDS = {
    "status": "participation",
    "case_manager_id": "participation",
    "intake_deadline": "participation",
    "roi": "participation",
    "rois": "participation",
    "linked_to": "participation",  # issue 19: the same person's records
    "linked_records": "participation",
    "non_return": "non_return",
    "referrals": "referrals",
    "legal_matters": "legal",
    "plan": "plan",
    "active": "engagement",
    "engagement": "engagement",
    "shares": "shares",
    "progress": "progress",
    "demographics": "case_record",
    "enrolled_at": "case_record",
    "discharge": "case_record",
    "referred_at": "case_record",
    "last_referred_at": "case_record",
    "discharged_at": "case_record",
    "alerts": "case_record",  # time-based alerts raised (issue 17): the site's staff
}
PERSON_FIELDS = {
    "given_name": "identity",
    "family_name": "identity",
    "date_of_birth": "identity",
    "identifiers": "identifiers",
}
KEYS = frozenset({"participant_id", "version"})
FLAG_FIELDS = frozenset(
    {"rule", "raised_at", "events", "status", "detail", "reviewed_at", "reviewed_by"}
    | {"review_note"}
)
QUEUE_FIELDS = frozenset({"kind", "state", "reason", "due_at", "case_number"})


def view_sections(item: dict[str, Any]) -> set[str]:
    """The sections a participant view or list item shows; an unknown field fails the test."""
    shown = set()
    for name in item:
        if name == "person":
            shown |= {PERSON_FIELDS[part] for part in item["person"]}
        elif name not in KEYS:
            shown.add(VIEW_FIELDS[name])
    return shown


def flag_sections(item: dict[str, Any]) -> set[str]:
    extra = set(item) - FLAG_FIELDS - {"flag_id", "participant_id"}
    assert extra == set(), extra
    return {"golden_rule"} if set(item) & FLAG_FIELDS else set()


def queue_sections(item: dict[str, Any]) -> set[str]:
    extra = set(item) - QUEUE_FIELDS - {"matter_id", "participant_id"}
    assert extra == set(), extra
    return {"legal"} if set(item) & QUEUE_FIELDS else set()


EVENT_SECTIONS = {
    "Participant.Referred": "referrals",
    "Participant.ReferredAgain": "referrals",
    "Participant.IntakeDeadlineExtended": "referrals",
    "Participant.WarmHandoffRecorded": "referrals",
    "Participant.IntakeCompleted": "plan",
    "Participant.RoiSigned": "case_record",
    "Participant.RoiRevoked": "case_record",
    "Participant.Discharged": "case_record",
    "Participant.Readmitted": "case_record",
    "Participant.Enrolled": "participation",
    "Participant.IntakeDeadlineExpired": "participation",
    "Participant.CaseManagerAssigned": "participation",
    "Participant.ContactRecorded": "engagement",
    "Participant.NonReturnExceptionGranted": "non_return",
    "Participant.NonReturnViolationReported": "non_return",
    "IdentifierClaim.Claimed": "identifiers",
    "Coordination.Opened": "participation",
    "Coordination.MatterLinked": "legal",
    "Coordination.AdverseActionRecorded": "legal",
    "Coordination.InformationShared": "shares",
    "Coordination.InformationShareRefused": "shares",
    "FlagReview.Reviewed": "golden_rule",
    "Coordination.ReportRequested": "case_record",
    "Coordination.ReportRequestAnswered": "case_record",
}


def event_section(event_type: str) -> str:
    return "legal" if event_type.startswith("LegalMatter.") else EVENT_SECTIONS[event_type]
