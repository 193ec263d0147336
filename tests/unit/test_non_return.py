"""The 24-hour non-return request: in force, exceptions, violation reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from domain.errors import StateConflict
from domain.participant import Participant
from domain.values import Location
from tests.unit.builders import (
    CORNER,
    T0,
    arrest_diversion,
    cm_stamp,
    hours,
    new_events,
    refer,
    refer_again,
    social_contact,
    stamp,
)

pytestmark = pytest.mark.unit

RELEASED = T0 + hours(1)
UNTIL = RELEASED + hours(24)


def diverted() -> Participant:
    return refer(arrest_diversion(T0, released_at=RELEASED))


def test_an_arrest_diversion_asks_the_person_to_stay_away_for_24_hours_after_release() -> None:
    request = diverted().non_return()
    assert request is not None
    assert (request.location, request.until) == (CORNER, UNTIL)
    assert request.in_force(RELEASED)
    assert request.in_force(UNTIL - hours(0.01))
    assert not request.in_force(UNTIL)


def test_no_request_without_an_accepted_arrest_diversion() -> None:
    assert refer(social_contact()).non_return() is None
    assert refer(arrest_diversion(), accepted=False).non_return() is None


def test_the_latest_diversion_sets_the_location() -> None:
    participant = diverted()
    park = arrest_diversion(T0 + hours(48))
    assert park.arrest is not None
    park = replace(park, arrest=replace(park.arrest, location=Location("Westlake Park")))
    refer_again(participant, park)
    request = participant.non_return()
    assert request is not None
    assert (request.location, request.until) == ("Westlake Park", T0 + hours(72))


def test_an_exception_lifts_the_request() -> None:
    participant = diverted()
    participant.grant_non_return_exception("sgt-7", "shelter bed is on that block", cm_stamp(T0))
    [event] = new_events(participant)
    assert isinstance(event, Participant.NonReturnExceptionGranted)
    assert event.referral_id == participant.referrals[0].referral_id
    assert (event.agreed_by, event.reason) == ("sgt-7", "shelter bed is on that block")
    request = participant.non_return()
    assert request is not None
    assert not request.in_force(RELEASED + hours(2))


def test_an_exception_needs_a_request_in_force() -> None:
    with pytest.raises(StateConflict):
        refer(social_contact()).grant_non_return_exception("sgt-7", "why", cm_stamp())
    expired = diverted()
    with pytest.raises(StateConflict):
        expired.grant_non_return_exception("sgt-7", "why", cm_stamp(UNTIL))
    assert new_events(expired) == []


def test_an_exception_is_granted_once() -> None:
    participant = diverted()
    participant.grant_non_return_exception("sgt-7", "why", cm_stamp(T0))
    with pytest.raises(StateConflict):
        participant.grant_non_return_exception("sgt-7", "again", cm_stamp(T0 + hours(2)))


def test_going_back_while_the_request_is_in_force_is_a_reported_violation() -> None:
    participant = diverted()
    participant.report_non_return_violation(RELEASED + hours(3), "back at the corner", stamp())
    [event] = new_events(participant)
    assert isinstance(event, Participant.NonReturnViolationReported)
    assert event.referral_id == participant.referrals[0].referral_id
    assert (event.location, event.note) == (CORNER, "back at the corner")
    assert event.occurred_at == RELEASED + hours(3)
    assert participant.non_return_violations == 1


@pytest.mark.parametrize(
    "observed_at",
    [RELEASED - hours(0.5), UNTIL, UNTIL + hours(5)],
    ids=["before-release", "at-until", "after-until"],
)
def test_a_violation_outside_the_window_is_a_conflict(observed_at: datetime) -> None:
    participant = diverted()
    with pytest.raises(StateConflict):
        participant.report_non_return_violation(observed_at, "", stamp())
    assert new_events(participant) == []
    assert participant.non_return_violations == 0


def test_no_violation_without_a_request() -> None:
    with pytest.raises(StateConflict):
        refer(social_contact()).report_non_return_violation(T0 + hours(1), "", stamp())


def test_no_violation_once_an_exception_was_granted() -> None:
    participant = diverted()
    participant.grant_non_return_exception("sgt-7", "medical appointment", cm_stamp(T0))
    with pytest.raises(StateConflict):
        participant.report_non_return_violation(RELEASED + hours(3), "", stamp())
