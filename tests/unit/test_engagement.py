"""Case manager assignment, recorded contacts, active and inactive participants."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.errors import InvalidInput, StateConflict
from domain.participant import Participant
from tests.unit.builders import (
    T0,
    TERMS,
    cm_stamp,
    days,
    discharge,
    enrolled,
    new_events,
    refer,
)

pytestmark = pytest.mark.unit

ENROLLED_AT = T0 + days(1)


def test_assigning_records_the_case_manager_and_the_previous_one() -> None:
    participant = enrolled()
    first, second = uuid4(), uuid4()
    participant.assign_case_manager(first, cm_stamp())
    participant.assign_case_manager(second, cm_stamp())
    a, b = new_events(participant)
    assert isinstance(a, Participant.CaseManagerAssigned)
    assert isinstance(b, Participant.CaseManagerAssigned)
    assert (a.case_manager_id, a.previous_case_manager_id) == (first, None)
    assert (b.case_manager_id, b.previous_case_manager_id) == (second, first)
    assert participant.case_manager_id == second


def test_a_referred_person_can_be_assigned_before_enrollment() -> None:
    participant = refer()
    participant.assign_case_manager(uuid4(), cm_stamp())
    assert participant.case_manager_id is not None


def test_assigning_the_same_case_manager_again_records_nothing() -> None:
    participant = enrolled()
    cm = uuid4()
    participant.assign_case_manager(cm, cm_stamp())
    participant.collect_events()
    participant.assign_case_manager(cm, cm_stamp())
    assert new_events(participant) == []


def test_a_discharged_participant_is_not_assigned() -> None:
    participant = enrolled()
    discharge(participant, T0 + days(5))
    with pytest.raises(StateConflict):
        participant.assign_case_manager(uuid4(), cm_stamp())


@pytest.mark.parametrize("kind", ["field", "office", "phone"])
def test_a_contact_counts_as_engagement(kind: str) -> None:
    participant = enrolled()
    participant.record_contact(T0 + days(3), kind, cm_stamp())
    [event] = new_events(participant)
    assert isinstance(event, Participant.ContactRecorded)
    assert (event.kind, event.occurred_at) == (kind, T0 + days(3))
    assert participant.engagement.contacts == 1
    assert participant.engagement.last_contact_at == T0 + days(3)


def test_an_attempt_is_not_a_contact() -> None:
    participant = enrolled()
    participant.record_contact(T0 + days(3), "attempt", cm_stamp())
    assert participant.engagement.attempts == 1
    assert participant.engagement.contacts == 0
    assert participant.engagement.last_contact_at is None


def test_a_late_recorded_older_contact_does_not_move_the_last_contact_back() -> None:
    participant = enrolled()
    participant.record_contact(T0 + days(10), "field", cm_stamp())
    participant.record_contact(T0 + days(4), "phone", cm_stamp())
    assert participant.engagement.last_contact_at == T0 + days(10)
    assert participant.engagement.contacts == 2


def test_an_unknown_contact_kind_is_invalid() -> None:
    participant = enrolled()
    with pytest.raises(InvalidInput) as caught:
        participant.record_contact(T0 + days(3), "email", cm_stamp())
    assert caught.value.field == "kind"


def test_no_contacts_are_recorded_for_a_discharged_participant() -> None:
    participant = enrolled()
    discharge(participant, T0 + days(5))
    participant.collect_events()
    with pytest.raises(StateConflict):
        participant.record_contact(T0 + days(6), "field", cm_stamp())
    assert new_events(participant) == []


def test_an_enrolled_participant_is_active_until_the_policy_days_pass_without_contact() -> None:
    participant = enrolled()
    assert participant.is_active(ENROLLED_AT + days(29), TERMS)
    assert not participant.is_active(ENROLLED_AT + days(30), TERMS)
    participant.record_contact(ENROLLED_AT + days(31), "office", cm_stamp())
    assert participant.is_active(ENROLLED_AT + days(31), TERMS)
    assert not participant.is_active(ENROLLED_AT + days(61), TERMS)


def test_attempts_do_not_keep_a_participant_active() -> None:
    participant = enrolled()
    participant.record_contact(ENROLLED_AT + days(25), "attempt", cm_stamp())
    assert not participant.is_active(ENROLLED_AT + days(30), TERMS)


def test_only_enrolled_participants_are_active() -> None:
    assert not refer().is_active(T0, TERMS)
    participant = enrolled()
    discharge(participant, T0 + days(5))
    assert not participant.is_active(T0 + days(5), TERMS)


def test_a_readmitted_participant_is_active_again() -> None:
    participant = enrolled()
    discharge(participant, T0 + days(100))
    participant.readmit(T0 + days(120), "back", cm_stamp())
    assert participant.is_active(T0 + days(121), TERMS)
    assert not participant.is_active(T0 + days(150), TERMS)
