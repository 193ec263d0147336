"""The Golden Rule flags, folded from events the aggregates emit (no I/O)."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain import compliance as rules
from domain.coordination import Coordination, ShareCheck
from domain.legal_values import Basis
from projections.compliance_rules import FOLDS
from projections.compliance_state import ComplianceState
from projections.engine import Item
from tests.unit.legal_fixtures import T0, diverted, how, stamp

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


def test_an_action_citing_a_share_is_flagged_with_the_share_and_the_action() -> None:
    folded, (record, share_id) = Folded(), record_with_share()
    act(record, Basis(lead_information_refs=(share_id,)))
    act(record, Basis(lead_information_refs=(share_id,), exceptional_circumstances="threat"))
    folded.feed(record)
    first, second = folded.flags(rules.ACTION_ON_LEAD_INFORMATION)
    assert first["participant_id"] == PERSON
    assert first["events"] == [2, 3]  # opened, shared, acted
    assert (first["status"], second["status"]) == (rules.OPEN, rules.NEEDS_REVIEW)


def test_an_independent_source_raises_nothing() -> None:
    folded, (record, share_id) = Folded(), record_with_share()
    act(record, Basis(independent_source="911 call", lead_information_refs=(share_id,)))
    act(record, Basis(independent_source="officer saw it"), kind="warrant_request")
    folded.feed(record)
    assert folded.flags() == []


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


def test_flag_ids_are_stable_and_rule_specific() -> None:
    source = uuid4()
    assert rules.flag_id(rules.ACTION_WITHOUT_BASIS, source) == rules.flag_id(
        rules.ACTION_WITHOUT_BASIS, source
    )
    assert rules.flag_id(rules.ACTION_WITHOUT_BASIS, source) != rules.flag_id(
        rules.CASE_MANAGER_SUBPOENAED, source
    )
