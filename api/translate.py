"""Request models → domain values. Kept apart so route handlers stay one call long."""

from __future__ import annotations

from api import schemas
from domain import values
from services.referrals.participants import RoiSigning
from services.referrals.referrals import ReferralCommand


def charge(c: schemas.ChargeIn) -> values.Charge:
    return values.Charge(c.code, c.description)


def referral_command(body: schemas.ReferralIn) -> ReferralCommand:
    person = values.Person(
        given_name=body.person.given_name,
        family_name=body.person.family_name,
        date_of_birth=body.person.date_of_birth,
        identifiers=tuple(values.Identifier(i.system, i.value) for i in body.person.identifiers),
    )
    arrest = None
    if body.arrest is not None:
        a = body.arrest
        arrest = values.Arrest(
            charges=tuple(charge(c) for c in a.charges),
            location=values.Location(
                a.location.description, a.location.latitude, a.location.longitude
            ),
            released_at=a.released_at,
            exclusions=tuple(a.exclusions),
        )
    referral = values.Referral(
        door=body.door,
        referred_at=body.referred_at,
        demographics=values.Demographics(
            tuple(body.demographics.race), body.demographics.ethnicity, body.demographics.gender
        ),
        arrest=arrest,
        exclusion_override=(
            values.ExclusionOverride(body.exclusion_override.by, body.exclusion_override.reason)
            if body.exclusion_override
            else None
        ),
        criteria=(
            values.Criteria(
                body.criteria.chronic_law_violations, body.criteria.public_expectation_of_response
            )
            if body.criteria
            else None
        ),
        referring_organization=body.referring_organization,
    )
    return ReferralCommand(person=person, referral=referral, participant_id=body.participant_id)


def policy_terms(body: schemas.PolicyIn) -> values.PolicyTerms:
    return values.PolicyTerms(
        divertible_charges=tuple(charge(c) for c in body.divertible_charges),
        exclusion_criteria=tuple(charge(c) for c in body.exclusion_criteria),
        intake_deadline_days=body.intake_deadline_days,
        non_return_hours=body.non_return_hours,
        caseload_max=body.caseload_max,
        caseload_average_threshold=body.caseload_average_threshold,
        discharge_min_inactive_days=body.discharge_min_inactive_days,
        hold_review_max_days=body.hold_review_max_days,
        inactive_after_days=body.inactive_after_days,
        intake_reminder_days=body.intake_reminder_days,
        roi_expiry_reminder_days=body.roi_expiry_reminder_days,
        identifier_systems=tuple(
            values.IdentifierSystem(s.system, s.agency, s.description)
            for s in body.identifier_systems
        ),
        liaison_prosecutor_agencies=tuple(dict.fromkeys(body.liaison_prosecutor_agencies)),
        retention_days_after_discharge=body.retention_days_after_discharge,
    )


def roi_signing(body: schemas.RoiIn) -> RoiSigning:
    replaces = body.replaces if body.replaces == "all" else tuple(body.replaces or ())
    return RoiSigning(
        body.signed_at,
        tuple(dict.fromkeys(body.agencies)),
        tuple(dict.fromkeys(body.categories)),
        body.expires_at,
        replaces,
    )
