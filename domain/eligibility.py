"""Which referrals may come through which door (toolkit: "Three Doors into LEAD")."""

from __future__ import annotations

from domain.doors import DOORS, WITHOUT_ARREST, Door
from domain.errors import ChargeNotDivertible, CriteriaNotMet, ExclusionNotOverridden, InvalidInput
from domain.roles import Role
from domain.values import PolicyTerms, Referral

DOORS_BY_ROLE: dict[str, frozenset[Door]] = {
    Role.POLICE: frozenset({Door.ARREST_DIVERSION, Door.SOCIAL_CONTACT}),
    Role.COMMUNITY_PARTNER: frozenset({Door.COMMUNITY}),
    Role.PROSECUTOR: frozenset({Door.PROSECUTOR}),
    Role.COURT: frozenset({Door.COURT}),  # pretrial or post-disposition (a post-filing door)
    Role.CASE_MANAGER: DOORS,
}
REFERRING_ROLES = tuple(DOORS_BY_ROLE)


def check_eligible(referral: Referral, terms: PolicyTerms) -> None:
    if referral.door not in DOORS:
        raise InvalidInput(f"unknown door {referral.door!r}", field="door")
    if referral.door == Door.ARREST_DIVERSION:
        check_arrest_diversion(referral, terms)
    else:
        check_no_arrest_fields(referral)
    if referral.door in WITHOUT_ARREST:
        check_core_criteria(referral)
    if referral.door == Door.COMMUNITY and not (referral.referring_organization or "").strip():
        raise InvalidInput(
            "a community referral names its referring_organization", field="referring_organization"
        )


def check_arrest_diversion(referral: Referral, terms: PolicyTerms) -> None:
    arrest = referral.arrest
    if arrest is None or not arrest.charges:
        raise InvalidInput("an arrest diversion needs the arrest and its charges", field="arrest")
    for charge in arrest.charges:
        if not terms.is_divertible(charge.code):
            raise ChargeNotDivertible(
                f"charge {charge.code!r} is not on the site's divertible-charge list",
                field="arrest.charges",
            )
    unknown = set(arrest.exclusions) - terms.exclusion_codes()
    if unknown:
        raise InvalidInput(
            f"unknown exclusion criteria: {sorted(unknown)}", field="arrest.exclusions"
        )
    if arrest.exclusions and referral.exclusion_override is None:
        raise ExclusionNotOverridden(
            "the person meets exclusion criteria "
            f"{sorted(arrest.exclusions)}; a sergeant or commander must override them",
            field="exclusion_override",
        )
    if arrest.released_at < referral.referred_at:
        raise InvalidInput("released_at is before referred_at", field="arrest.released_at")


def check_no_arrest_fields(referral: Referral) -> None:
    if referral.arrest is not None:
        raise InvalidInput("only an arrest diversion carries an arrest", field="arrest")
    if referral.exclusion_override is not None:
        raise InvalidInput(
            "only an arrest diversion can override an exclusion", field="exclusion_override"
        )


def check_core_criteria(referral: Referral) -> None:
    criteria = referral.criteria
    if criteria is None or not (
        criteria.chronic_law_violations and criteria.public_expectation_of_response
    ):
        raise CriteriaNotMet(
            "social contact and community referrals need both core criteria: chronic law "
            "violations related to behavioral health or poverty, and a public expectation of "
            "a criminal legal response",
            field="criteria",
        )
