"""A legal matter's decisions: each its own event with who, when, why and the policy version."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import InvalidInput
from domain.legal_errors import (
    BasisRequired,
    DecisionNotAllowed,
    DivertedChargeProtected,
    ReviewDateOutOfRange,
)
from domain.legal_matter import LegalMatter, diverted_matter_id
from domain.legal_rules import queue_reason
from domain.legal_values import Basis
from tests.unit.legal_fixtures import (
    INDEPENDENT,
    PROSECUTOR,
    T0,
    decide,
    diverted,
    expired,
    matter,
    stamp,
)

pytestmark = pytest.mark.unit


def last(m: LegalMatter) -> LegalMatter.Event:
    event = m.pending_events[-1]
    assert isinstance(event, LegalMatter.Event)
    return event


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        ("pending_case", "awaiting_decision"),
        ("post_enrollment_case", "awaiting_decision"),
        ("warrant", "warrant_active"),
    ],
)
def test_a_matter_opens_in_the_state_its_kind_starts_in(kind: str, state: str) -> None:
    assert matter(kind).state == state
    assert matter(kind).is_open


def test_an_arrest_diversion_opens_its_charge_diverted_under_an_id_from_the_referral() -> None:
    charge = diverted()
    assert charge.state == "diverted"
    assert charge.kind == "diverted_charge"
    assert charge.details.referral_id is not None
    assert charge.id == diverted_matter_id(charge.details.referral_id)
    assert queue_reason(charge.kind, charge.state) is None  # not in the filing queue


def test_a_hold_records_who_when_why_and_the_policy_version() -> None:
    m = decide(matter("pending_case"), "hold", review_at=T0 + timedelta(days=60))
    event = last(m)
    assert isinstance(event, LegalMatter.FilingHeld)
    assert (event.state, event.decision, event.note) == ("held", "hold", "watching progress")
    assert event.policy_version == 3
    assert event.meta == PROSECUTOR
    assert event.occurred_at == T0 + timedelta(days=1)
    assert m.review_at == T0 + timedelta(days=60)


def test_a_hold_needs_a_review_date_within_the_policy_maximum() -> None:
    with pytest.raises(ReviewDateOutOfRange):
        decide(matter("pending_case"), "hold")
    with pytest.raises(ReviewDateOutOfRange):
        decide(matter("pending_case"), "hold", review_at=T0 + timedelta(days=92))
    with pytest.raises(ReviewDateOutOfRange):
        decide(matter("pending_case"), "hold", review_at=T0)
    held = decide(
        matter("pending_case"), "hold", review_at=T0 + timedelta(days=11), hold_review_max_days=10
    )
    assert held.state == "held"
    with pytest.raises(ReviewDateOutOfRange):
        decide(
            matter("pending_case"),
            "hold",
            review_at=T0 + timedelta(days=12),
            hold_review_max_days=10,
        )


def test_releasing_a_hold_returns_to_the_state_before_it_even_after_a_renewed_hold() -> None:
    m = decide(expired(), "hold", review_at=T0 + timedelta(days=60))
    decide(m, "hold", days=2, review_at=T0 + timedelta(days=80))
    decide(m, "release_hold", days=3)
    assert m.state == "referred_for_filing"
    assert m.review_at is None
    assert isinstance(last(m), LegalMatter.HoldReleased)


def test_release_hold_without_a_hold_is_not_allowed() -> None:
    with pytest.raises(DecisionNotAllowed):
        decide(matter("pending_case"), "release_hold")


def test_filing_needs_a_declared_basis_and_carries_it() -> None:
    with pytest.raises(BasisRequired):
        decide(matter("pending_case"), "file")
    with pytest.raises(BasisRequired):
        decide(matter("pending_case"), "file", basis=Basis())
    m = decide(matter("pending_case"), "file", basis=INDEPENDENT)
    event = last(m)
    assert isinstance(event, LegalMatter.ChargeFiled)
    assert event.basis == INDEPENDENT
    assert m.state == "filed"


def test_a_diverted_charge_is_protected_while_diverted_and_after_enrollment() -> None:
    with pytest.raises(DivertedChargeProtected):
        decide(diverted(), "file", basis=INDEPENDENT)
    enrolled = diverted()
    enrolled.close_on_enrollment(T0 + timedelta(days=5), stamp(5))
    assert (enrolled.state, enrolled.protected, enrolled.is_open) == ("not_filed", True, False)
    with pytest.raises(DivertedChargeProtected):
        decide(enrolled, "file", basis=INDEPENDENT)


def test_an_expired_diversion_goes_to_the_filing_queue_and_may_be_filed() -> None:
    m = expired()
    assert m.state == "referred_for_filing"
    assert queue_reason(m.kind, m.state) == "intake_deadline_expired"
    assert decide(m, "file", days=31, basis=INDEPENDENT).state == "filed"


def test_expiry_moves_only_a_diverted_charge() -> None:
    m = decide(expired(), "decline", days=31)
    m.refer_for_filing(T0, stamp(40))
    assert m.state == "declined"
    assert len(m.pending_events) == 3


@pytest.mark.parametrize("before", ["diverted", "referred_for_filing", "held"])
def test_enrollment_closes_an_unfiled_diverted_charge_as_not_filed(before: str) -> None:
    m = expired() if before != "diverted" else diverted()
    if before == "held":
        decide(m, "hold", days=31, review_at=T0 + timedelta(days=60))
    m.close_on_enrollment(T0 + timedelta(days=40), stamp(40))
    assert isinstance(last(m), LegalMatter.ChargeNotFiled)
    assert m.state == "not_filed"


def test_enrollment_after_filing_rewrites_nothing_but_is_recorded() -> None:
    m = decide(expired(), "file", days=31, basis=INDEPENDENT)
    m.close_on_enrollment(T0 + timedelta(days=40), stamp(40))
    event = last(m)
    assert isinstance(event, LegalMatter.EnrolledWhileFiled)
    assert event.referral_id == m.details.referral_id
    assert (m.state, m.enrolled_while_filed) == ("filed", True)


def test_enrollment_leaves_closed_and_other_matters_alone() -> None:
    declined = decide(expired(), "decline", days=31)
    declined.close_on_enrollment(T0 + timedelta(days=40), stamp(40))
    case = matter("pending_case")
    case.close_on_enrollment(T0 + timedelta(days=40), stamp(40))
    assert (declined.state, len(declined.pending_events)) == ("declined", 3)
    assert (case.state, len(case.pending_events)) == ("awaiting_decision", 1)


def test_a_second_dismissal_is_not_allowed() -> None:
    m = decide(matter("pending_case"), "dismiss")
    assert (m.state, m.is_open) == ("dismissed", False)
    with pytest.raises(DecisionNotAllowed, match="dismissed"):
        decide(m, "dismiss", days=2)


def test_quash_support_is_for_warrants_only() -> None:
    with pytest.raises(DecisionNotAllowed, match="pending_case"):
        decide(matter("pending_case"), "support_quash")
    with pytest.raises(DecisionNotAllowed):
        decide(diverted(), "quashed")


def test_a_warrant_is_quashed_after_support_or_directly() -> None:
    m = decide(matter("warrant"), "support_quash")
    assert (m.state, queue_reason(m.kind, m.state)) == ("quash_supported", "warrant_active")
    assert decide(m, "quashed", days=2).state == "quashed"
    assert isinstance(last(m), LegalMatter.WarrantQuashed)
    assert decide(matter("warrant"), "quashed").state == "quashed"
    with pytest.raises(DecisionNotAllowed):
        decide(m, "support_quash", days=3)


@pytest.mark.parametrize(
    ("decision", "event"),
    [
        ("forgo_detention", LegalMatter.DetentionMotionForgone),
        ("support_release", LegalMatter.ReleaseSupported),
    ],
)
def test_stances_keep_the_state_and_are_recorded_once(
    decision: str, event: type[LegalMatter.Event]
) -> None:
    m = decide(matter("post_enrollment_case"), decision)
    assert isinstance(last(m), event)
    assert m.state == "awaiting_decision"
    with pytest.raises(DecisionNotAllowed, match="already"):
        decide(m, decision, days=2)
    with pytest.raises(DecisionNotAllowed):
        decide(matter("warrant"), decision)


def test_a_disposition_closes_a_filed_case() -> None:
    m = decide(matter("pending_case"), "file", basis=INDEPENDENT)
    decide(m, "forgo_detention", days=2)
    decide(m, "disposition", days=3)
    assert isinstance(last(m), LegalMatter.DispositionNegotiated)
    assert m.state == "disposed"


def test_fields_belong_to_their_decision() -> None:
    with pytest.raises(InvalidInput, match="decision must be one of"):
        decide(matter("pending_case"), "ignore")
    with pytest.raises(ReviewDateOutOfRange, match="holds only"):
        decide(matter("pending_case"), "decline", review_at=T0 + timedelta(days=3))
    with pytest.raises(InvalidInput, match="filings only"):
        decide(matter("pending_case"), "decline", basis=INDEPENDENT)
