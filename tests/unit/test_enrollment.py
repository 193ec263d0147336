"""Enrollment: the intake assessment and the multi-party ROI, in either order; revoking it."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.errors import InvalidInput, StateConflict
from domain.participant import Participant
from tests.unit.builders import (
    T0,
    cm_stamp,
    days,
    enrolled,
    event_types,
    hours,
    new_events,
    refer,
    sign_roi,
    social_contact,
)

pytestmark = pytest.mark.unit


def test_intake_first_then_roi_enrolls_when_the_roi_is_signed() -> None:
    participant = refer()
    participant.complete_intake(T0 + days(2), "housing first", cm_stamp(T0 + days(2)))
    assert event_types(participant) == ["IntakeCompleted"]
    assert participant.status == "referred"
    sign_roi(participant, T0 + days(3))
    signed, enrollment = new_events(participant)
    assert isinstance(signed, Participant.RoiSigned)
    assert isinstance(enrollment, Participant.Enrolled)
    assert enrollment.occurred_at == T0 + days(3)
    assert participant.status == "enrolled"
    assert participant.plan_summary == "housing first"


def test_roi_first_then_intake_enrolls_when_the_intake_is_completed() -> None:
    participant = refer()
    sign_roi(participant, T0 + days(1))
    assert event_types(participant) == ["RoiSigned"]
    assert participant.status == "referred"
    participant.complete_intake(T0 + days(4), "plan", cm_stamp(T0 + days(4)))
    intake, enrollment = new_events(participant)
    assert isinstance(intake, Participant.IntakeCompleted)
    assert isinstance(enrollment, Participant.Enrolled)
    assert enrollment.occurred_at == T0 + days(4)
    assert participant.enrolled_at == T0 + days(4)


def test_late_paperwork_enrolls_at_the_later_business_time() -> None:
    participant = refer()
    participant.complete_intake(T0 + days(5), "plan", cm_stamp(T0 + days(9)))
    sign_roi(participant, T0 + days(2))
    assert participant.enrolled_at == T0 + days(5)


def test_enrollment_is_when_both_steps_were_first_done() -> None:
    participant = refer()
    sign_roi(participant, T0 + days(10), agencies=("dshs",))
    sign_roi(participant, T0 + days(1))
    participant.complete_intake(T0 + days(5), "plan", cm_stamp(T0 + days(12)))
    assert participant.enrolled_at == T0 + days(5)


def test_enrollment_names_the_diverted_referral_so_its_charge_is_not_filed() -> None:
    participant = enrolled()
    assert participant.referrals[0].status == "enrolled"
    assert participant.intake_deadline is None


def test_enrollment_lists_the_diverted_referrals() -> None:
    participant = refer()
    sign_roi(participant, T0 + days(1))
    participant.complete_intake(T0 + days(1), "plan", cm_stamp(T0 + days(1)))
    enrollment = new_events(participant)[-1]
    assert isinstance(enrollment, Participant.Enrolled)
    assert enrollment.diverted_referral_ids == (participant.referrals[0].referral_id,)


def test_a_social_contact_enrollment_diverts_no_charge() -> None:
    participant = refer(social_contact())
    sign_roi(participant, T0)
    participant.complete_intake(T0 + hours(1), "plan", cm_stamp())
    enrollment = new_events(participant)[-1]
    assert isinstance(enrollment, Participant.Enrolled)
    assert enrollment.diverted_referral_ids == ()


def test_the_intake_is_completed_once() -> None:
    participant = enrolled()
    with pytest.raises(StateConflict):
        participant.complete_intake(T0 + days(3), "again", cm_stamp())
    assert new_events(participant) == []


def test_the_intake_cannot_precede_the_referral() -> None:
    participant = refer()
    with pytest.raises(InvalidInput) as caught:
        participant.complete_intake(T0 - hours(1), "plan", cm_stamp())
    assert caught.value.field == "completed_at"


@pytest.mark.parametrize(
    ("agencies", "categories", "expires_in", "field"),
    [
        ((), ("engagement",), None, "agencies"),
        (("spd",), (), None, "categories"),
        (("spd",), ("engagement",), days(0), "expires_at"),
        (("spd",), ("engagement",), -days(1), "expires_at"),
    ],
)
def test_a_roi_names_agencies_categories_and_a_later_expiry(
    agencies: tuple[str, ...], categories: tuple[str, ...], expires_in: timedelta | None, field: str
) -> None:
    participant = refer()
    expires_at = None if expires_in is None else T0 + expires_in
    with pytest.raises(InvalidInput) as caught:
        participant.sign_roi(uuid4(), T0, agencies, categories, expires_at, cm_stamp())
    assert caught.value.field == field
    assert new_events(participant) == []


def test_a_second_roi_does_not_enroll_twice() -> None:
    participant = enrolled()
    sign_roi(participant, T0 + days(5), agencies=("dshs",))
    assert event_types(participant) == ["RoiSigned"]


def test_the_roi_covers_only_the_named_agencies_and_categories_until_it_expires() -> None:
    participant = refer()
    sign_roi(participant, T0, ("spd",), ("engagement",), expires_at=T0 + days(30))
    assert participant.roi_covers("spd", "engagement", T0 + days(1))
    assert not participant.roi_covers("kcpao", "engagement", T0 + days(1))
    assert not participant.roi_covers("spd", "health", T0 + days(1))
    assert not participant.roi_covers("spd", "engagement", T0 - hours(1))
    assert not participant.roi_covers("spd", "engagement", T0 + days(30))


def test_revoking_records_which_roi_and_stops_sharing_from_then_on() -> None:
    participant = enrolled()
    roi_id = participant.rois[0].roi_id
    participant.revoke_roi(T0 + days(10), "changed my mind", cm_stamp(T0 + days(10)))
    [event] = new_events(participant)
    assert isinstance(event, Participant.RoiRevoked)
    assert (event.roi_id, event.reason) == (roi_id, "changed my mind")
    assert participant.roi_covers("spd", "engagement", T0 + days(9))
    assert not participant.roi_covers("spd", "engagement", T0 + days(10))
    assert participant.current_roi(T0 + days(11)) is None
    assert participant.status == "enrolled"


def test_revoking_needs_a_roi_in_force() -> None:
    participant = refer()
    with pytest.raises(StateConflict):
        participant.revoke_roi(T0, None, cm_stamp())
    sign_roi(participant, T0 + days(1))
    participant.revoke_roi(T0 + days(2), None, cm_stamp())
    participant.collect_events()
    with pytest.raises(StateConflict):
        participant.revoke_roi(T0 + days(3), None, cm_stamp())
    assert new_events(participant) == []


def test_a_revoked_roi_does_not_count_toward_enrollment() -> None:
    participant = refer()
    sign_roi(participant, T0)
    participant.revoke_roi(T0 + days(1), None, cm_stamp())
    participant.complete_intake(T0 + days(2), "plan", cm_stamp(T0 + days(2)))
    assert "Enrolled" not in event_types(participant)
    assert participant.status == "referred"


def test_an_expired_roi_does_not_count_toward_enrollment() -> None:
    participant = refer()
    sign_roi(participant, T0, expires_at=T0 + days(2))
    participant.complete_intake(T0 + days(5), "plan", cm_stamp(T0 + days(5)))
    assert "Enrolled" not in event_types(participant)
    sign_roi(participant, T0 + days(6))
    assert event_types(participant) == ["RoiSigned", "Enrolled"]
    assert participant.enrolled_at == T0 + days(6)


def test_an_intake_after_the_deadline_expired_still_enrolls() -> None:
    participant = refer()
    referral_id = participant.referrals[0].referral_id
    assert participant.expire_intake_deadline(referral_id, cm_stamp(T0 + days(31)))
    sign_roi(participant, T0 + days(32))
    participant.complete_intake(T0 + days(32), "plan", cm_stamp(T0 + days(32)))
    assert participant.status == "enrolled"
    assert participant.referral(referral_id).status == "enrolled"
