"""Shared builders for the unit tier: stamps at chosen times, referrals per door, and
participants brought into a given state by calling their own commands (no I/O)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.base import Meta, Stamp
from domain.participant import Participant
from domain.values import (
    Arrest,
    Charge,
    Criteria,
    Demographics,
    ExclusionOverride,
    Location,
    Person,
    PolicyTerms,
    Referral,
)

T0 = datetime(2026, 11, 24, 12, tzinfo=UTC)
POLICY_VERSION = 1
TERMS = PolicyTerms(
    divertible_charges=(
        Charge("theft-3", "theft, third degree"),
        Charge("vuln", "drug possession"),
    ),
    exclusion_criteria=(Charge("violent-felony", "violent felony within 10 years"),),
)
PERSON = Person("Ada", "Example")
CORNER = "3rd and Pine"


def days(n: float) -> timedelta:
    return timedelta(days=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def stamp(
    at: datetime = T0, agency: str = "spd", role: str = "police", actor: str = "b-1"
) -> Stamp:
    return Stamp(Meta(actor=actor, client_id="c", agency=agency, role=role), at)


def cm_stamp(at: datetime = T0) -> Stamp:
    return stamp(at, agency="reach", role="case_manager", actor="cm-1")


def arrest(
    released_at: datetime = T0,
    codes: tuple[str, ...] = ("theft-3",),
    exclusions: tuple[str, ...] = (),
) -> Arrest:
    return Arrest(tuple(Charge(code) for code in codes), Location(CORNER), released_at, exclusions)


def arrest_diversion(
    referred_at: datetime = T0,
    released_at: datetime | None = None,
    codes: tuple[str, ...] = ("theft-3",),
    exclusions: tuple[str, ...] = (),
    override: ExclusionOverride | None = None,
) -> Referral:
    return Referral(
        door="arrest_diversion",
        referred_at=referred_at,
        arrest=arrest(released_at or referred_at, codes, exclusions),
        exclusion_override=override,
    )


BOTH_CRITERIA = Criteria(chronic_law_violations=True, public_expectation_of_response=True)


def social_contact(
    referred_at: datetime = T0, criteria: Criteria | None = BOTH_CRITERIA
) -> Referral:
    return Referral(door="social_contact", referred_at=referred_at, criteria=criteria)


def community(
    referred_at: datetime = T0,
    organization: str | None = "Downtown Emergency Services",
    criteria: Criteria | None = BOTH_CRITERIA,
) -> Referral:
    return Referral(
        door="community",
        referred_at=referred_at,
        criteria=criteria,
        referring_organization=organization,
        demographics=Demographics(race=("Black",), ethnicity="not hispanic"),
    )


def refer(
    referral: Referral | None = None,
    accepted: bool = True,
    terms: PolicyTerms = TERMS,
    at: datetime = T0,
) -> Participant:
    """A participant just referred, with its creation event already collected."""
    participant = Participant.refer(
        uuid4(),
        PERSON,
        uuid4(),
        referral or arrest_diversion(),
        accepted,
        terms,
        POLICY_VERSION,
        stamp(at),
    )
    participant.collect_events()
    return participant


def enrolled(referral: Referral | None = None, at: datetime = T0) -> Participant:
    """Referred at `at`, intake and ROI done one day later; pending events collected."""
    participant = refer(referral or arrest_diversion(at), at=at)
    sign_roi(participant, at + days(1))
    participant.complete_intake(at + days(1), "housing first", cm_stamp(at + days(1)))
    participant.collect_events()
    return participant


def sign_roi(
    participant: Participant,
    signed_at: datetime,
    agencies: tuple[str, ...] = ("spd", "kcpao"),
    categories: tuple[str, ...] = ("engagement",),
    expires_at: datetime | None = None,
) -> UUID:
    roi_id = uuid4()
    participant.sign_roi(roi_id, signed_at, agencies, categories, expires_at, cm_stamp(signed_at))
    return roi_id


def discharge(
    participant: Participant,
    at: datetime,
    reason: str = "staff_safety",
    by_supervisor: bool = True,
) -> UUID | None:
    return participant.discharge(at, reason, "", by_supervisor, TERMS, POLICY_VERSION, cm_stamp(at))


def refer_again(
    participant: Participant,
    referral: Referral,
    *,
    accepted: bool = True,
    agency: str = "spd",
    referral_id: UUID | None = None,
) -> UUID:
    """The same person referred again; the stamp is recorded at the referral's time."""
    referral_id = referral_id or uuid4()
    at = referral.referred_at
    terms, version = TERMS, POLICY_VERSION
    participant.refer_again(referral_id, referral, accepted, terms, version, stamp(at, agency))
    return referral_id


def new_events(aggregate: Aggregate) -> list[object]:
    return list(aggregate.collect_events())


def event_types(aggregate: Aggregate) -> list[str]:
    return [type(event).__name__ for event in aggregate.collect_events()]
