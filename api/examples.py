"""One example request per door and per command, shown in /docs (tests/e2e/test_openapi.py
holds each to its request schema). All people, numbers and places are invented."""

from __future__ import annotations

from typing import Any

PERSON = {
    "given_name": "Sam",
    "family_name": "Example",
    "date_of_birth": "1985-03-02",
    "identifiers": [{"system": "spd-person", "value": "P-0001"}],
}
CRITERIA = {"chronic_law_violations": True, "public_expectation_of_response": True}
DEMOGRAPHICS = {"race": ["Black"], "ethnicity": "not_hispanic", "gender": "woman"}
CHARGE = {"code": "69.50.4013", "description": "possession of a controlled substance"}
SOME_ID = "3f2b8c1e-9a4d-4f6e-8b7a-1c2d3e4f5a6b"


def example(summary: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"summary": summary, "value": value}


def referral(door: str, **fields: Any) -> dict[str, Any]:
    return {"door": door, "person": PERSON, "referred_at": "2026-11-24T09:00:00Z", **fields}


DOORS = {
    "arrest_diversion": example(
        "Arrest diversion (police): a divertible charge, a warm handoff, 24 h non-return",
        referral(
            "arrest_diversion",
            demographics=DEMOGRAPHICS,
            arrest={
                "charges": [CHARGE],
                "location": {"description": "3rd Ave and Pine St"},
                "released_at": "2026-11-24T09:30:00Z",
            },
        ),
    ),
    "social_contact": example(
        "Social contact referral (police): no arrest, both core criteria",
        referral("social_contact", criteria=CRITERIA),
    ),
    "community": example(
        "Community referral (a community partner): no police involvement",
        referral("community", criteria=CRITERIA, referring_organization="Outreach CBO"),
    ),
    "prosecutor": example("Post-filing referral by a prosecutor", referral("prosecutor")),
    "court": example(
        "Post-filing referral by a court (case management records it)", referral("court")
    ),
}

BASIS = {"independent_source": "a patrol officer's own observation, report 26-1142"}

EXAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "refer": DOORS,
    "replacePolicy": {
        "policy": example(
            "The whole policy document",
            {
                "divertible_charges": [CHARGE],
                "exclusion_criteria": [
                    {"code": "violent_felony_5y", "description": "violent felony within 5 years"}
                ],
                "intake_deadline_days": 30,
                "non_return_hours": 24,
                "caseload_max": 25,
                "caseload_average_threshold": 20,
                "discharge_min_inactive_days": 90,
                "hold_review_max_days": 90,
                "inactive_after_days": 30,
                "intake_reminder_days": 7,
                "roi_expiry_reminder_days": 14,
                "identifier_systems": [
                    {"system": "spd-person", "agency": "spd", "description": "SPD person number"}
                ],
                "liaison_prosecutor_agencies": ["kcpao"],
            },
        )
    },
    "amendPolicy": {
        "caseloads": example(
            "Lower the caseload limits", {"caseload_max": 22, "caseload_average_threshold": 18}
        )
    },
    "createSubscription": {
        "webhook": example(
            "Tell the records unit when a diverted charge will not be filed",
            {
                "url": "https://hooks.spd.example/lead",
                "types": ["participant.enrolled", "intake_deadline.expired"],
                "description": "SPD records unit",
            },
        )
    },
    "registerCaseManager": {"new": example("A new case manager", {"name": "Alex Rivera"})},
    "completeIntake": {
        "intake": example(
            "The intake assessment (the initial plan)",
            {"completed_at": "2026-11-24T10:00:00Z", "plan_summary": "housing first; ID renewal"},
        )
    },
    "signRoi": {
        "roi": example(
            "A multi-party ROI naming the police and the prosecutor's office",
            {
                "signed_at": "2026-11-24T10:05:00Z",
                "agencies": ["spd", "kcpao"],
                "categories": ["engagement", "legal_status"],
                "expires_at": "2027-11-24T00:00:00Z",
            },
        )
    },
    "revokeRoi": {
        "revoke": example(
            "The participant revokes the ROI",
            {"revoked_at": "2026-11-24T11:00:00Z", "reason": "participant's request"},
        )
    },
    "extendIntakeDeadline": {
        "extend": example(
            "The referring officer agrees to more time",
            {
                "new_deadline": "2027-01-08T00:00:00Z",
                "agreed_by": "Sgt. badge 2210",
                "reason": "incapacitated",
                "note": "in hospital until next week",
            },
        )
    },
    "assignCaseManager": {"assign": example("Assign a case manager", {"case_manager_id": SOME_ID})},
    "recordContact": {
        "contact": example(
            "A field contact", {"contacted_at": "2026-11-24T10:30:00Z", "kind": "field"}
        )
    },
    "grantNonReturnException": {
        "exception": example(
            "A pressing need to return to the place of arrest",
            {"agreed_by": "Ofc. badge 4411", "reason": "medical appointment at the clinic there"},
        )
    },
    "reportNonReturnViolation": {
        "violation": example(
            "Seen back at the location",
            {"observed_at": "2026-11-24T11:15:00Z", "note": "seen at the corner"},
        )
    },
    "discharge": {
        "discharge": example(
            "Discharge after sustained lack of engagement",
            {
                "discharged_at": "2026-11-24T11:30:00Z",
                "reason": "sustained_non_engagement",
                "note": "no contact in 120 days despite outreach",
            },
        )
    },
    "readmit": {
        "readmit": example(
            "Return after discharge",
            {"readmitted_at": "2026-11-24T11:45:00Z", "note": "circumstances changed"},
        )
    },
    "openLegalMatter": {
        "pending_case": example(
            "A pending case",
            {
                "kind": "pending_case",
                "case_number": "26-1-01234-5",
                "court": "District Court",
                "charges": [CHARGE],
                "incident_at": "2026-09-01T22:00:00Z",
            },
        )
    },
    "decideOnLegalMatter": {
        "hold": example(
            "Hold the filing decision in abeyance",
            {
                "decision": "hold",
                "review_at": "2027-01-15T00:00:00Z",
                "note": "engaging well; review after the next court date",
            },
        ),
        "file": example(
            "File, declaring the basis",
            {"decision": "file", "basis": BASIS, "note": "independent report"},
        ),
    },
    "shareInformation": {
        "share": example(
            "Share engagement with the police under the ROI",
            {
                "recipient_agency": "spd",
                "category": "engagement",
                "summary": "working with the participant",
                "shared_at": "2026-11-24T11:00:00Z",
            },
        )
    },
    "recordAdverseAction": {
        "booking": example(
            "A booking, with its basis",
            {"kind": "booking", "taken_at": "2026-11-24T11:20:00Z", "basis": BASIS},
        )
    },
    "recordWarmHandoff": {
        "handoff": example(
            "The officer hands the person to a case manager, 20 minutes after the referral",
            {
                "handed_off_at": "2026-11-24T10:50:00Z",
                "case_manager_id": "0b9e6c1e-5d3f-4a51-9a1e-2f6f3c1d7a10",
            },
        )
    },
    "recordMissedDiversion": {
        "booked": example(
            "Defense: a diversion-eligible possession arrest was booked instead",
            {
                "arrested_at": "2026-11-24T02:10:00Z",
                "booked_at": "2026-11-24T03:05:00Z",
                "charges": [{"code": "69.50.4013", "description": "possession"}],
                "agency": "spd",
                "demographics": {"race": ["Black"], "ethnicity": "not_hispanic"},
                "note": "eligible under the PCG's list",
            },
        )
    },
    "requestReport": {
        "violation_report": example(
            "A court asks the case manager to report violations (itself a Golden Rule flag)",
            {
                "requested_at": "2026-11-24T11:30:00Z",
                "kind": "violation_report",
                "note": "revocation hearing on December 3",
            },
        )
    },
    "answerReportRequest": {
        "nothing_helpful": example(
            "The toolkit's answer: nothing helpful to report at this time",
            {"answered_at": "2026-11-24T12:00:00Z", "answer": "nothing_helpful_to_report"},
        )
    },
    "reviewFlag": {"review": example("Mark a flag reviewed", {"note": "basis independent"})},
    "forgetParticipant": {
        "court_order": example(
            "Forget by court order; the auditor who approved is named",
            {
                "reason": "court_order",
                "reference": "KCSC order 26-2-01234",
                "approved_by": "auditor-0007",
            },
        )
    },
    "linkDuplicate": {
        "link": example("The same person", {"note": "same person: confirmed with photo ID"})
    },
    "dismissDuplicate": {
        "dismiss": example("Not the same person", {"note": "different people: met both"})
    },
    "unlink": {"unlink": example("Undo a link", {"note": "linked in error: twins"})},
    "verifyAgainst": {
        "checkpoint": example(
            "A checkpoint kept outside the database (`GET /v1/audit/checkpoint`)",
            {
                "position": 1200,
                "head": "9f" * 32,
                "time": "2026-11-24T12:00:00.000000Z",
                "signature": "c2lnbmF0dXJl" * 8,
                "key_id": "a1b2c3d4",
                "algorithm": "Ed25519",
            },
        )
    },
}
