"""The Golden Rule flags, folded from events the aggregates emit (no I/O)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from itertools import product
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain import compliance as rules
from domain.coordination import Coordination, ShareCheck
from domain.doors import POST_FILING_DOORS, Door
from domain.golden_rule import RAISED_FROM_HISTORY_AT, REFERRALS, may_flag_from_history
from domain.legal_values import Basis
from domain.participant import Participant
from projections.compliance_rules import FOLDS
from projections.compliance_state import ComplianceState
from projections.engine import Item
from tests.unit.builders import PERSON as SOMEONE
from tests.unit.builders import TERMS, arrest_diversion, social_contact
from tests.unit.legal_fixtures import INDEPENDENT, T0, diverted, how, stamp

pytestmark = pytest.mark.unit

PERSON = uuid4()


class Folded:
    """A compliance state fed events in the order they are emitted."""

    def __init__(self) -> None:
        self.state = ComplianceState()
        self.position = 0

    def feed(self, *aggregates: Aggregate) -> list[Item]:
        fed = []
        for aggregate in aggregates:
            for event in aggregate.collect_events():
                self.position += 1
                item = (self.position, event)
                fold = FOLDS.get(type(event))
                if fold is not None:
                    fold(self.state, item)
                fed.append(item)
        return fed

    def flags(self, rule: str | None = None) -> list[dict[str, object]]:
        return [f for f in self.state.flags.values() if rule in (None, f["rule"])]


def record_with_share() -> tuple[Coordination, UUID]:
    record = Coordination.open(PERSON, stamp())
    share_id = uuid4()
    record.share(share_id, ShareCheck(uuid4()), ("spd", "engagement"), "late", T0, stamp())
    return record, share_id


def act(record: Coordination, basis: Basis, kind: str = "booking") -> None:
    record.record_adverse_action(uuid4(), kind, None, basis, "", T0, stamp())


def test_an_action_citing_a_share_is_flagged_for_review_with_the_share_and_the_action() -> None:
    folded, (record, share_id) = Folded(), record_with_share()
    act(record, Basis(lead_information_refs=(share_id,)))
    act(record, Basis(lead_information_refs=(share_id,), exceptional_circumstances="threat"))
    folded.feed(record)
    first, second = folded.flags(rules.ACTION_ON_LEAD_INFORMATION)
    assert first["participant_id"] == PERSON
    assert first["events"] == [2, 3]  # opened, shared, acted
    assert (first["status"], second["status"]) == (rules.NEEDS_REVIEW, rules.NEEDS_REVIEW)


def test_an_independent_source_alone_raises_nothing() -> None:
    folded, _ = Folded(), None
    record = Coordination.open(PERSON, stamp())
    act(record, Basis(independent_source="officer saw it"), kind="warrant_request")
    folded.feed(record)
    assert folded.flags() == []


def test_leak_an_independent_source_beside_lead_information_does_not_clear_it() -> None:
    """Issue 13: `basis: {lead_information_refs: [share], independent_source: "see file"}`
    raised no flag; the rule bars action resting on LEAD information "directly or
    indirectly", so it is for review."""
    folded, (record, share_id) = Folded(), record_with_share()
    act(record, Basis(independent_source="see file", lead_information_refs=(share_id,)))
    folded.feed(record)
    [flag] = folded.flags(rules.ACTION_ON_LEAD_INFORMATION)
    assert flag["status"] == rules.NEEDS_REVIEW
    assert flag["detail"]["independent_source_claimed"] is True


def test_no_basis_a_bare_claim_and_a_subpoena() -> None:
    folded, (record, _) = Folded(), record_with_share()
    act(record, Basis())
    act(record, Basis(exceptional_circumstances="threat"))
    act(record, Basis(independent_source="court order"), kind="case_manager_subpoena")
    folded.feed(record)
    assert [f["rule"] for f in folded.flags()] == [
        rules.ACTION_WITHOUT_BASIS,
        rules.ACTION_ON_LEAD_INFORMATION,
        rules.CASE_MANAGER_SUBPOENAED,
    ]
    assert folded.flags(rules.ACTION_ON_LEAD_INFORMATION)[0]["status"] == rules.NEEDS_REVIEW


def test_a_refused_share_is_flagged() -> None:
    folded, record = Folded(), Coordination.open(PERSON, stamp())
    refusal = ShareCheck(None, "no_roi")
    record.share(uuid4(), refusal, ("doc", "health"), "x", T0, stamp())
    folded.feed(record)
    [flag] = folded.flags(rules.SHARED_OUTSIDE_ROI)
    assert flag["detail"] == {"recipient_agency": "doc", "category": "health", "reason": "no_roi"}


def test_a_filed_diverted_charge_is_flagged_when_the_person_enrolls() -> None:
    folded, charge = Folded(), diverted()
    charge.refer_for_filing(T0, stamp(30))
    folded.feed(charge)
    charge.decide("file", how(31), basis=Basis(independent_source="victim"))
    [filed] = folded.feed(charge)
    assert folded.flags() == []
    charge.close_on_enrollment(T0, stamp(40))
    [enrolled] = folded.feed(charge)
    [flag] = folded.flags(rules.DIVERTED_CHARGE_FILED)
    assert flag["events"] == [filed[0], enrolled[0]]
    assert flag["participant_id"] == charge.participant_id


def test_leak_a_share_dated_before_a_recorded_revocation_is_flagged_for_review() -> None:
    """Issue 13: a share recorded after a revocation but dated a minute before it passed
    silently; it is accepted as late paperwork and flagged for review."""
    folded, record = Folded(), Coordination.open(PERSON, stamp())
    roi_id, revoked_at = uuid4(), T0 + timedelta(minutes=1)
    late = ShareCheck(roi_id, revoked_at=revoked_at)
    record.share(uuid4(), late, ("spd", "engagement"), "x", T0, stamp())
    record.share(uuid4(), ShareCheck(roi_id), ("spd", "engagement"), "y", T0, stamp())
    folded.feed(record)
    [flag] = folded.flags(rules.LATE_DATED_SHARE)
    assert (flag["status"], flag["events"]) == (rules.NEEDS_REVIEW, [2])
    assert flag["detail"]["revoked_at"] == revoked_at.isoformat()


def test_leak_a_filing_after_a_legitimate_expiry_then_a_late_enrollment_is_for_review() -> None:
    """Issue 13: a charge filed legitimately after expiry, for a person who enrolled later,
    raised an open violation; it needs a person's judgment, not a finding."""
    folded, charge = Folded(), diverted()
    charge.refer_for_filing(T0, stamp(30))
    charge.decide("file", how(31), basis=Basis(independent_source="victim"))
    folded.feed(charge)
    charge.close_on_enrollment(T0 + timedelta(days=29), stamp(40))
    folded.feed(charge)
    [flag] = folded.flags(rules.DIVERTED_CHARGE_FILED)
    assert flag["status"] == rules.NEEDS_REVIEW


def test_a_filing_before_any_expiry_then_an_enrollment_is_open() -> None:
    folded, charge = Folded(), diverted()
    folded.feed(charge)
    filing = Coordination.open(charge.participant_id, stamp())
    folded.feed(filing)
    folded.state.add_link(charge.id, charge.participant_id, "diverted_charge")
    filing.record_adverse_action(uuid4(), "charge_filed", charge.id, INDEPENDENT, "", T0, stamp())
    folded.feed(filing)
    charge.close_on_enrollment(T0, stamp(10))
    folded.feed(charge)
    [flag] = folded.flags(rules.DIVERTED_CHARGE_FILED)
    assert flag["status"] == rules.OPEN


def test_flag_ids_are_stable_and_rule_specific() -> None:
    source = uuid4()
    assert rules.flag_id(rules.ACTION_WITHOUT_BASIS, source) == rules.flag_id(
        rules.ACTION_WITHOUT_BASIS, source
    )
    assert rules.flag_id(rules.ACTION_WITHOUT_BASIS, source) != rules.flag_id(
        rules.CASE_MANAGER_SUBPOENAED, source
    )


def referral_at(door: Door, accepted: bool) -> object:
    """The first event of a record referred through `door` (taken, or declined)."""
    referral = arrest_diversion() if door == Door.ARREST_DIVERSION else social_contact()
    participant = Participant.refer(
        uuid4(), SOMEONE, uuid4(), replace(referral, door=door), accepted, TERMS, 1, stamp()
    )
    [referred] = participant.collect_events()
    return referred


def test_a_notification_waits_for_the_view_exactly_at_the_referrals_that_can_raise_a_flag() -> None:
    """`may_flag_from_history` answers from the event alone what the view's fold decides
    with the capacity it keeps: at every door, taken or declined, with priority referrals
    declined before it, a flag from history is raised only where the notification waits."""
    cases = 0
    for door, accepted in product(Door, (True, False)):
        state = ComplianceState()
        state.capacity = state.capacity | {
            "declined_positions": [1],
            "declined_participant_id": uuid4(),
        }
        event = referral_at(door, accepted)
        FOLDS[type(event)](state, (2, event))
        raised = any(f["rule"] == rules.POST_FILING_CROWDED_OUT for f in state.flags.values())
        waits = may_flag_from_history(event)
        assert raised == waits == (door in POST_FILING_DOORS and accepted), (door, accepted)
        cases += 1
    assert cases == len(Door) * 2 == 10
    matter_events = [cls for cls in RAISED_FROM_HISTORY_AT if cls not in REFERRALS]
    assert len(matter_events) == 3 and not may_flag_from_history(object())
