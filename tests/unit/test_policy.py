"""Site policy: the PCG's terms are validated and versioned (domain/policy.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import InvalidInput
from domain.policy import SITE_POLICY_ID, SitePolicy, check_terms, terms_in_force
from domain.values import Charge, PolicyTerms
from tests.unit.builders import TERMS, new_events, stamp

pytestmark = pytest.mark.unit

POSITIVE_FIELDS = [
    "intake_deadline_days",
    "non_return_hours",
    "caseload_max",
    "caseload_average_threshold",
    "discharge_min_inactive_days",
    "hold_review_max_days",
    "inactive_after_days",
]


def test_the_toolkit_defaults_are_valid_policy() -> None:
    terms = PolicyTerms()
    check_terms(terms)
    assert (terms.intake_deadline_days, terms.non_return_hours) == (30, 24)
    assert (terms.caseload_max, terms.caseload_average_threshold) == (25, 20)


@pytest.mark.parametrize("field", POSITIVE_FIELDS)
@pytest.mark.parametrize("value", [0, -1])
def test_every_period_and_limit_is_positive(field: str, value: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_terms(replace(TERMS, **{field: value}))  # type: ignore[arg-type]
    assert caught.value.field == field


def test_the_average_threshold_may_not_exceed_the_maximum() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_terms(replace(TERMS, caseload_max=20, caseload_average_threshold=21))
    assert caught.value.field == "caseload_average_threshold"
    check_terms(replace(TERMS, caseload_max=20, caseload_average_threshold=20))


def test_divertible_charge_codes_are_unique() -> None:
    duplicated = (Charge("theft-3"), Charge("theft-3", "again"))
    with pytest.raises(InvalidInput) as caught:
        check_terms(replace(TERMS, divertible_charges=duplicated))
    assert caught.value.field == "divertible_charges"


def test_terms_answer_which_charges_are_divertible_and_excluded() -> None:
    assert TERMS.is_divertible("theft-3")
    assert not TERMS.is_divertible("assault-1")
    assert TERMS.exclusion_codes() == {"violent-felony"}


def test_adopting_the_first_policy() -> None:
    policy = SitePolicy.adopt(TERMS, stamp(role="project_manager"))
    [event] = new_events(policy)
    assert isinstance(event, SitePolicy.Adopted)
    assert event.terms == TERMS
    assert policy.id == SITE_POLICY_ID
    assert policy.version == 1


def test_adopting_invalid_terms_is_refused() -> None:
    with pytest.raises(InvalidInput):
        SitePolicy.adopt(replace(TERMS, caseload_max=0), stamp())


def test_a_change_is_a_new_version() -> None:
    policy = SitePolicy.adopt(TERMS, stamp())
    policy.collect_events()
    grown = replace(TERMS, divertible_charges=(*TERMS.divertible_charges, Charge("trespass")))
    policy.change(grown, stamp())
    [event] = new_events(policy)
    assert isinstance(event, SitePolicy.Changed)
    assert policy.terms.is_divertible("trespass")
    assert policy.version == 2


def test_an_invalid_change_keeps_the_current_terms() -> None:
    policy = SitePolicy.adopt(TERMS, stamp())
    policy.collect_events()
    with pytest.raises(InvalidInput):
        policy.change(replace(TERMS, non_return_hours=0), stamp())
    assert new_events(policy) == []
    assert policy.terms == TERMS
    assert policy.version == 1


def test_before_any_policy_the_toolkit_defaults_are_in_force_as_version_0() -> None:
    assert terms_in_force(None) == (PolicyTerms(), 0)
    policy = SitePolicy.adopt(TERMS, stamp())
    assert terms_in_force(policy) == (TERMS, 1)
