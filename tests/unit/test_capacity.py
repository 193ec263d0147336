"""Managing capacity: when referrals are declined (domain/capacity.py)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

import pytest

from domain.capacity import assess_capacity
from domain.doors import POST_FILING_DOORS, PRIORITY_DOORS
from tests.unit.builders import TERMS

pytestmark = pytest.mark.unit

MAX = TERMS.caseload_max  # 25
THRESHOLD = TERMS.caseload_average_threshold  # 20


def caseloads(*counts: int) -> dict[UUID, int]:
    return {uuid4(): count for count in counts}


def test_a_site_without_case_managers_accepts_every_door() -> None:
    capacity = assess_capacity({}, TERMS)
    assert capacity.average == 0.0
    assert capacity.accepting_priority_referrals
    assert capacity.accepting_post_filing_referrals


def test_light_caseloads_accept_every_door() -> None:
    capacity = assess_capacity(caseloads(3, 5), TERMS)
    assert capacity.average == 4.0
    assert all(capacity.accepts(door) for door in PRIORITY_DOORS | POST_FILING_DOORS)


def test_priority_referrals_are_declined_when_average_is_high_and_everyone_is_full() -> None:
    capacity = assess_capacity(caseloads(MAX, MAX, MAX + 1), TERMS)
    assert capacity.average > THRESHOLD
    assert not any(capacity.accepts(door) for door in PRIORITY_DOORS)
    assert not any(capacity.accepts(door) for door in POST_FILING_DOORS)


def test_one_case_manager_with_room_keeps_priority_doors_open() -> None:
    capacity = assess_capacity(caseloads(MAX, MAX, MAX - 1), TERMS)
    assert capacity.average > THRESHOLD
    assert all(capacity.accepts(door) for door in PRIORITY_DOORS)


def test_everyone_full_but_average_not_above_threshold_keeps_priority_doors_open() -> None:
    """Only reachable when the PCG sets the threshold equal to the maximum."""
    terms = replace(TERMS, caseload_max=20, caseload_average_threshold=20)
    capacity = assess_capacity(caseloads(20, 20), terms)
    assert capacity.average == 20
    assert capacity.accepting_priority_referrals
    assert not capacity.accepting_post_filing_referrals


@pytest.mark.parametrize(
    ("counts", "post_filing"),
    [
        ((THRESHOLD - 1, THRESHOLD), True),  # average 19.5
        ((THRESHOLD, THRESHOLD), False),  # average reaches the threshold
        ((THRESHOLD + 2, THRESHOLD + 1), False),
    ],
)
def test_post_filing_referrals_stop_at_the_threshold(
    counts: tuple[int, ...], post_filing: bool
) -> None:
    capacity = assess_capacity(caseloads(*counts), TERMS)
    assert capacity.accepting_priority_referrals
    assert capacity.accepting_post_filing_referrals is post_filing
    assert capacity.accepts("court") is post_filing
    assert capacity.accepts("prosecutor") is post_filing


def test_post_filing_never_open_while_priority_is_closed() -> None:
    for counts in [(0,), (10, 30), (MAX, MAX), (MAX, MAX, 40), (MAX - 1, MAX + 5)]:
        capacity = assess_capacity(caseloads(*counts), TERMS)
        if capacity.accepting_post_filing_referrals:
            assert capacity.accepting_priority_referrals


def test_the_rules_follow_the_site_policy() -> None:
    terms = replace(TERMS, caseload_max=10, caseload_average_threshold=8)
    assert not assess_capacity(caseloads(10, 10), terms).accepting_priority_referrals
    assert assess_capacity(caseloads(10, 10), TERMS).accepting_priority_referrals


def test_capacity_reports_the_caseloads_it_assessed() -> None:
    counts = caseloads(4, 6)
    capacity = assess_capacity(counts, TERMS)
    assert dict(capacity.caseloads) == counts
    assert capacity.average == 5.0
