"""Which referrals may come through which door (domain/eligibility.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from domain.eligibility import DOORS_BY_ROLE, check_eligible
from domain.errors import ChargeNotDivertible, CriteriaNotMet, ExclusionNotOverridden, InvalidInput
from domain.values import Charge, Criteria, ExclusionOverride, Referral
from tests.unit.builders import (
    T0,
    TERMS,
    arrest,
    arrest_diversion,
    community,
    hours,
    social_contact,
)

pytestmark = pytest.mark.unit

SERGEANT = ExclusionOverride(by="sgt-7", reason="the old conviction was a misidentification")


def test_a_divertible_arrest_diversion_is_eligible() -> None:
    check_eligible(arrest_diversion(codes=("theft-3", "vuln")), TERMS)


def test_unknown_door_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_eligible(Referral(door="probation", referred_at=T0), TERMS)
    assert caught.value.field == "door"


def test_arrest_diversion_needs_an_arrest() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_eligible(Referral(door="arrest_diversion", referred_at=T0), TERMS)
    assert caught.value.field == "arrest"


def test_arrest_diversion_needs_at_least_one_charge() -> None:
    referral = replace(arrest_diversion(), arrest=arrest(codes=()))
    with pytest.raises(InvalidInput) as caught:
        check_eligible(referral, TERMS)
    assert caught.value.field == "arrest"


def test_every_charge_must_be_on_the_divertible_list() -> None:
    with pytest.raises(ChargeNotDivertible) as caught:
        check_eligible(arrest_diversion(codes=("theft-3", "assault-1")), TERMS)
    assert "assault-1" in str(caught.value)


def test_a_charge_the_pcg_adds_later_becomes_divertible() -> None:
    referral = arrest_diversion(codes=("trespass",))
    with pytest.raises(ChargeNotDivertible):
        check_eligible(referral, TERMS)
    grown = replace(TERMS, divertible_charges=(*TERMS.divertible_charges, Charge("trespass")))
    check_eligible(referral, grown)


def test_an_exclusion_without_override_is_refused() -> None:
    with pytest.raises(ExclusionNotOverridden) as caught:
        check_eligible(arrest_diversion(exclusions=("violent-felony",)), TERMS)
    assert caught.value.field == "exclusion_override"


def test_a_sergeant_may_override_an_exclusion() -> None:
    check_eligible(arrest_diversion(exclusions=("violent-felony",), override=SERGEANT), TERMS)


def test_an_exclusion_the_site_does_not_have_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_eligible(arrest_diversion(exclusions=("jaywalking",), override=SERGEANT), TERMS)
    assert caught.value.field == "arrest.exclusions"


def test_release_before_referral_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_eligible(arrest_diversion(released_at=T0 - hours(1)), TERMS)
    assert caught.value.field == "arrest.released_at"


@pytest.mark.parametrize(
    "criteria",
    [
        None,
        Criteria(),
        Criteria(chronic_law_violations=True),
        Criteria(public_expectation_of_response=True),
    ],
)
@pytest.mark.parametrize("build", [social_contact, community])
def test_social_contact_and_community_need_both_core_criteria(
    build: Callable[..., Referral], criteria: Criteria | None
) -> None:
    with pytest.raises(CriteriaNotMet) as caught:
        check_eligible(build(criteria=criteria), TERMS)
    assert caught.value.field == "criteria"


@pytest.mark.parametrize("referral", [social_contact(), community()])
def test_both_core_criteria_make_social_contact_and_community_eligible(
    referral: Referral,
) -> None:
    check_eligible(referral, TERMS)


@pytest.mark.parametrize("door", ["social_contact", "community", "court", "prosecutor"])
def test_only_arrest_diversions_carry_an_arrest(door: str) -> None:
    referral = replace(community(), door=door, arrest=arrest())
    with pytest.raises(InvalidInput) as caught:
        check_eligible(referral, TERMS)
    assert caught.value.field == "arrest"


@pytest.mark.parametrize("door", ["social_contact", "community", "court"])
def test_only_arrest_diversions_override_exclusions(door: str) -> None:
    referral = replace(community(), door=door, exclusion_override=SERGEANT)
    with pytest.raises(InvalidInput) as caught:
        check_eligible(referral, TERMS)
    assert caught.value.field == "exclusion_override"


@pytest.mark.parametrize("organization", [None, "", "   "])
def test_a_community_referral_names_its_organization(organization: str | None) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_eligible(community(organization=organization), TERMS)
    assert caught.value.field == "referring_organization"


@pytest.mark.parametrize("door", ["court", "prosecutor"])
def test_post_filing_referrals_need_no_criteria(door: str) -> None:
    check_eligible(Referral(door=door, referred_at=T0), TERMS)


def test_doors_by_role() -> None:
    assert DOORS_BY_ROLE["police"] == {"arrest_diversion", "social_contact"}
    assert DOORS_BY_ROLE["community_partner"] == {"community"}
    assert DOORS_BY_ROLE["prosecutor"] == {"prosecutor"}
    assert DOORS_BY_ROLE["court"] == {"court"}
    assert "probation" not in DOORS_BY_ROLE  # probation records adverse actions, never refers
    assert "community" not in DOORS_BY_ROLE["police"]
