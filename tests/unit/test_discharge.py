"""Participants do not fail out: discharge only for the toolkit's reasons, and readmission."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID, uuid4

import pytest

from domain.errors import DischargeNotAllowed, Forbidden, InvalidInput, StateConflict
from domain.participant import Participant
from domain.values import PolicyTerms
from tests.unit.builders import (
    POLICY_VERSION,
    T0,
    TERMS,
    cm_stamp,
    days,
    enrolled,
    event_types,
    new_events,
    refer,
)

pytestmark = pytest.mark.unit

ENROLLED_AT = T0 + days(1)
POLICY_DAYS = TERMS.discharge_min_inactive_days


def discharge(
    participant: Participant,
    at: datetime,
    reason: str,
    by_supervisor: bool = False,
    terms: PolicyTerms = TERMS,
) -> UUID | None:
    return participant.discharge(
        at, reason, "note", by_supervisor, terms, POLICY_VERSION, cm_stamp(at)
    )


def test_a_discharge_records_reason_policy_and_released_case_manager() -> None:
    participant = enrolled()
    cm = uuid4()
    participant.assign_case_manager(cm, cm_stamp())
    participant.collect_events()
    released = discharge(participant, ENROLLED_AT + days(5), "staff_safety", by_supervisor=True)
    [event] = new_events(participant)
    assert isinstance(event, Participant.Discharged)
    assert (event.reason, event.note, event.policy_version) == ("staff_safety", "note", 1)
    assert event.released_case_manager_id == released == cm
    assert event.occurred_at == ENROLLED_AT + days(5)
    assert participant.status == "discharged"
    assert participant.case_manager_id is None


@pytest.mark.parametrize("reason", ["relapse", "new_arrest", "missed_goal", ""])
def test_participants_do_not_fail_out(reason: str) -> None:
    participant = enrolled()
    with pytest.raises(InvalidInput) as caught:
        discharge(participant, ENROLLED_AT + days(400), reason, by_supervisor=True)
    assert caught.value.field == "reason"


def test_only_an_enrolled_participant_is_discharged() -> None:
    with pytest.raises(StateConflict):
        discharge(refer(), T0 + days(400), "staff_safety", by_supervisor=True)
    participant = enrolled()
    discharge(participant, ENROLLED_AT + days(1), "staff_safety", by_supervisor=True)
    with pytest.raises(StateConflict):
        discharge(participant, ENROLLED_AT + days(2), "staff_safety", by_supervisor=True)


@pytest.mark.parametrize("reason", ["staff_safety", "program_safety"])
def test_a_safety_discharge_is_a_supervisors_decision(reason: str) -> None:
    participant = enrolled()
    with pytest.raises(Forbidden):
        discharge(participant, ENROLLED_AT + days(1), reason)
    assert new_events(participant) == []
    discharge(participant, ENROLLED_AT + days(1), reason, by_supervisor=True)
    assert participant.status == "discharged"


def test_non_engagement_needs_the_policy_days_without_contact() -> None:
    participant = enrolled()
    with pytest.raises(DischargeNotAllowed):
        discharge(participant, ENROLLED_AT + days(POLICY_DAYS - 1), "sustained_non_engagement")
    discharge(participant, ENROLLED_AT + days(POLICY_DAYS), "sustained_non_engagement")
    assert participant.status == "discharged"


def test_a_contact_restarts_the_non_engagement_clock_but_an_attempt_does_not() -> None:
    participant = enrolled()
    participant.record_contact(ENROLLED_AT + days(50), "field", cm_stamp())
    participant.record_contact(ENROLLED_AT + days(120), "attempt", cm_stamp())
    with pytest.raises(DischargeNotAllowed):
        discharge(participant, ENROLLED_AT + days(50 + POLICY_DAYS - 1), "sustained_non_engagement")
    discharge(participant, ENROLLED_AT + days(50 + POLICY_DAYS), "sustained_non_engagement")


def test_no_behavior_change_needs_the_policy_days_of_effort_even_with_contacts() -> None:
    participant = enrolled()
    participant.record_contact(ENROLLED_AT + days(80), "office", cm_stamp())
    with pytest.raises(DischargeNotAllowed):
        discharge(participant, ENROLLED_AT + days(POLICY_DAYS - 1), "no_behavior_change")
    discharge(participant, ENROLLED_AT + days(POLICY_DAYS), "no_behavior_change")
    assert participant.discharge_reason == "no_behavior_change"


def test_a_supervisor_does_not_shorten_the_period_of_effort() -> None:
    participant = enrolled()
    with pytest.raises(DischargeNotAllowed):
        discharge(participant, ENROLLED_AT + days(10), "no_behavior_change", by_supervisor=True)


def test_the_period_of_effort_is_site_policy() -> None:
    terms = replace(TERMS, discharge_min_inactive_days=30)
    participant = enrolled()
    discharge(participant, ENROLLED_AT + days(30), "sustained_non_engagement", terms=terms)
    assert participant.status == "discharged"


def test_a_discharged_participant_may_return() -> None:
    participant = enrolled()
    discharge(participant, ENROLLED_AT + days(5), "staff_safety", by_supervisor=True)
    participant.collect_events()
    participant.readmit(ENROLLED_AT + days(40), "circumstances changed", cm_stamp())
    [event] = new_events(participant)
    assert isinstance(event, Participant.Readmitted)
    assert event.occurred_at == ENROLLED_AT + days(40)
    assert participant.status == "enrolled"
    assert participant.discharge_reason is None
    participant.record_contact(ENROLLED_AT + days(41), "field", cm_stamp())
    participant.assign_case_manager(uuid4(), cm_stamp())
    assert event_types(participant) == ["ContactRecorded", "CaseManagerAssigned"]


def test_only_a_discharged_participant_is_readmitted() -> None:
    with pytest.raises(StateConflict):
        enrolled().readmit(T0 + days(10), "", cm_stamp())


def test_readmission_cannot_precede_the_discharge() -> None:
    participant = enrolled()
    discharge(participant, ENROLLED_AT + days(5), "staff_safety", by_supervisor=True)
    with pytest.raises(InvalidInput) as caught:
        participant.readmit(ENROLLED_AT + days(4), "", cm_stamp())
    assert caught.value.field == "readmitted_at"


@pytest.mark.parametrize("reason", ["sustained_non_engagement", "no_behavior_change"])
def test_a_readmitted_participant_gets_a_new_period_of_effort(reason: str) -> None:
    participant = enrolled()
    discharge(participant, ENROLLED_AT + days(POLICY_DAYS), reason)
    readmitted_at = ENROLLED_AT + days(POLICY_DAYS + 10)
    participant.readmit(readmitted_at, "back", cm_stamp(readmitted_at))
    with pytest.raises(DischargeNotAllowed):
        discharge(participant, readmitted_at + days(1), reason)
    discharge(participant, readmitted_at + days(POLICY_DAYS), reason)
    assert participant.status == "discharged"
