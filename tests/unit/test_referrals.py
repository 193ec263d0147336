"""Referring a person (Participant.refer) and referring them again (refer_again)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from uuid import uuid4

import pytest

from domain.errors import StateConflict
from domain.participant import Participant
from domain.values import Demographics, Referral
from tests.unit.builders import (
    PERSON,
    POLICY_VERSION,
    T0,
    TERMS,
    arrest_diversion,
    cm_stamp,
    community,
    days,
    discharge,
    enrolled,
    hours,
    new_events,
    refer,
    refer_again,
    social_contact,
    stamp,
)

pytestmark = pytest.mark.unit

ACCEPTED = True


def test_an_accepted_arrest_diversion_starts_the_deadline_and_the_non_return_request() -> None:
    referral = arrest_diversion(T0 - hours(2), released_at=T0 - hours(1))
    participant = Participant.refer(
        uuid4(), PERSON, uuid4(), referral, ACCEPTED, TERMS, POLICY_VERSION, stamp(T0)
    )
    [event] = new_events(participant)
    assert isinstance(event, Participant.Referred)
    assert event.status == "referred"
    assert event.decline_reason is None
    assert event.intake_deadline == T0 - hours(2) + days(30)
    assert event.non_return_until == T0 - hours(1) + hours(24)
    assert event.occurred_at == referral.referred_at
    assert event.timestamp == T0
    assert event.meta.agency == "spd"
    assert participant.status == "referred"
    assert participant.intake_deadline == event.intake_deadline


def test_deadlines_follow_the_site_policy() -> None:
    terms = replace(TERMS, intake_deadline_days=10, non_return_hours=48)
    participant = refer(arrest_diversion(T0), terms=terms)
    assert participant.intake_deadline == T0 + days(10)
    request = participant.non_return()
    assert request is not None
    assert request.until == T0 + hours(48)


@pytest.mark.parametrize("referral", [social_contact(), community()])
def test_other_doors_carry_no_deadline_and_no_non_return_request(referral: Referral) -> None:
    participant = refer(referral)
    assert participant.status == "referred"
    assert participant.intake_deadline is None
    assert participant.non_return() is None


def test_a_referral_declined_for_capacity_is_recorded_without_deadlines() -> None:
    participant = Participant.refer(
        uuid4(), PERSON, uuid4(), arrest_diversion(), not ACCEPTED, TERMS, POLICY_VERSION, stamp()
    )
    [event] = new_events(participant)
    assert isinstance(event, Participant.Referred)
    assert (event.status, event.decline_reason) == ("declined", "capacity")
    assert event.intake_deadline is None
    assert event.non_return_until is None
    assert participant.status == "declined"
    assert participant.non_return() is None


@pytest.mark.parametrize(
    "command",
    [
        lambda p: p.complete_intake(T0, "plan", cm_stamp()),
        lambda p: p.sign_roi(uuid4(), T0, ("spd",), ("engagement",), None, cm_stamp()),
        lambda p: p.record_contact(T0, "field", cm_stamp()),
        lambda p: p.assign_case_manager(uuid4(), cm_stamp()),
    ],
    ids=["intake", "roi", "contact", "assign"],
)
def test_a_declined_person_is_not_taken_in(command: Callable[[Participant], None]) -> None:
    participant = refer(accepted=False)
    with pytest.raises(StateConflict):
        command(participant)
    assert new_events(participant) == []


def test_a_second_diversion_adds_a_referral_with_its_own_deadline() -> None:
    participant = refer(arrest_diversion(T0))
    later = arrest_diversion(T0 + days(5))
    refer_again(participant, later)
    [event] = new_events(participant)
    assert isinstance(event, Participant.ReferredAgain)
    assert event.status == "referred"
    assert event.intake_deadline == T0 + days(35)
    assert len(participant.referrals) == 2
    assert participant.intake_deadline == T0 + days(35)


def test_a_declined_person_referred_again_with_room_is_taken_in() -> None:
    participant = refer(social_contact(), accepted=False)
    refer_again(participant, social_contact(T0 + days(1)))
    assert participant.status == "referred"
    participant.complete_intake(T0 + days(1), "plan", cm_stamp())
    assert [type(e).__name__ for e in new_events(participant)] == [
        "ReferredAgain",
        "IntakeCompleted",
    ]


def test_a_new_diversion_of_an_enrolled_participant_keeps_them_enrolled() -> None:
    participant = enrolled()
    referral_id = uuid4()
    again = arrest_diversion(T0 + days(40))
    refer_again(participant, again, referral_id=referral_id)
    [event] = new_events(participant)
    assert isinstance(event, Participant.ReferredAgain)
    assert event.status == "enrolled"
    assert event.intake_deadline is None
    assert event.non_return_until == T0 + days(41)
    assert participant.status == "enrolled"
    request = participant.non_return()
    assert request is not None
    assert request.referral_id == referral_id


def test_a_new_diversion_of_an_enrolled_participant_needs_no_new_slot() -> None:
    """An enrolled participant already has case management: capacity cannot decline them."""
    participant = enrolled()
    again = arrest_diversion(T0 + days(40))
    refer_again(participant, again, accepted=False)
    [event] = new_events(participant)
    assert isinstance(event, Participant.ReferredAgain)
    assert (event.status, event.decline_reason) == ("enrolled", None)
    assert event.non_return_until == T0 + days(41)
    assert participant.status == "enrolled"


def test_a_discharged_participant_referred_again_starts_over() -> None:
    participant = enrolled()
    discharge(participant, T0 + days(10))
    again = arrest_diversion(T0 + days(20))
    refer_again(participant, again)
    assert participant.status == "referred"
    assert participant.enrolled_at is None
    assert participant.intake_deadline == T0 + days(50)
    participant.collect_events()
    participant.complete_intake(T0 + days(21), "second plan", cm_stamp(T0 + days(21)))
    events = new_events(participant)
    assert [type(e).__name__ for e in events] == ["IntakeCompleted", "Enrolled"]
    assert participant.status == "enrolled"


def test_a_discharged_participant_declined_for_capacity_stays_discharged() -> None:
    participant = enrolled()
    discharge(participant, T0 + days(10))
    refer_again(participant, social_contact(T0 + days(20)), accepted=False)
    assert participant.status == "discharged"
    assert participant.referrals[-1].decline_reason == "capacity"


def test_an_expired_participant_referred_again_has_a_fresh_deadline() -> None:
    participant = refer(arrest_diversion(T0))
    referral_id = participant.referrals[0].referral_id
    assert participant.expire_intake_deadline(referral_id, stamp(T0 + days(31)))
    assert participant.status == "intake_deadline_expired"
    again = arrest_diversion(T0 + days(40))
    refer_again(participant, again)
    assert participant.status == "referred"
    assert participant.intake_deadline == T0 + days(70)


def test_new_demographics_replace_old_and_empty_ones_keep_them() -> None:
    participant = refer(community())
    refer_again(participant, social_contact())
    assert participant.demographics.race == ("Black",)
    update = replace(social_contact(), demographics=Demographics(race=("Asian",)))
    refer_again(participant, update)
    assert participant.demographics.race == ("Asian",)
