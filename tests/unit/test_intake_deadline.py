"""The 30-day intake deadline: extension by the referring agency, and expiry as an event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import pytest

from domain.errors import Forbidden, InvalidInput, StateConflict
from domain.participant import Participant
from tests.unit.builders import (
    T0,
    arrest_diversion,
    cm_stamp,
    days,
    enrolled,
    new_events,
    refer,
    refer_again,
    social_contact,
    stamp,
)

pytestmark = pytest.mark.unit

DEADLINE = T0 + days(30)


def extend(
    participant: Participant, to: datetime, agency: str = "spd", reason: str = "incapacitated"
) -> UUID:
    when = cm_stamp(T0 + days(20))
    return participant.extend_intake_deadline(to, "sgt-7", reason, "in hospital", agency, when)


@pytest.mark.parametrize("reason", ["specific_reason", "incapacitated"])
def test_the_referring_agency_extends_the_deadline(reason: str) -> None:
    participant = refer()
    referral_id = extend(participant, DEADLINE + days(14), reason=reason)
    [event] = new_events(participant)
    assert isinstance(event, Participant.IntakeDeadlineExtended)
    assert event.referral_id == referral_id == participant.referrals[0].referral_id
    assert (event.previous_deadline, event.new_deadline) == (DEADLINE, DEADLINE + days(14))
    assert (event.agreed_by, event.reason) == ("sgt-7", reason)
    assert event.occurred_at == T0 + days(20)
    assert participant.intake_deadline == DEADLINE + days(14)


def test_another_agency_may_not_extend() -> None:
    participant = refer()
    with pytest.raises(Forbidden):
        extend(participant, DEADLINE + days(14), agency="kcso")
    assert new_events(participant) == []


def test_an_extension_needs_a_recognised_reason() -> None:
    participant = refer()
    with pytest.raises(InvalidInput) as caught:
        extend(participant, DEADLINE + days(14), reason="because")
    assert caught.value.field == "reason"


@pytest.mark.parametrize("new_deadline", [DEADLINE, DEADLINE - days(1)])
def test_an_extension_is_later_than_the_current_deadline(new_deadline: datetime) -> None:
    participant = refer()
    with pytest.raises(InvalidInput) as caught:
        extend(participant, new_deadline)
    assert caught.value.field == "new_deadline"
    assert participant.intake_deadline == DEADLINE


def test_each_agency_extends_its_own_diversion() -> None:
    participant = refer(arrest_diversion(T0))
    refer_again(participant, arrest_diversion(T0 + days(2)), agency="kcso")
    participant.collect_events()
    referral_id = extend(participant, DEADLINE + days(20), agency="kcso")
    assert referral_id == participant.referrals[1].referral_id
    assert participant.referrals[0].intake_deadline == DEADLINE


@pytest.mark.parametrize(
    "build",
    [
        lambda: refer(social_contact()),
        lambda: refer(accepted=False),
        enrolled,
    ],
    ids=["no-deadline-door", "declined", "enrolled"],
)
def test_nothing_to_extend_without_a_running_deadline(build: Callable[[], Participant]) -> None:
    participant = build()
    with pytest.raises(StateConflict):
        extend(participant, DEADLINE + days(14))


def test_an_expired_deadline_cannot_be_extended() -> None:
    participant = refer()
    participant.expire_intake_deadline(participant.referrals[0].referral_id, stamp(DEADLINE))
    with pytest.raises(StateConflict):
        extend(participant, DEADLINE + days(14))


def test_nothing_expires_before_the_deadline() -> None:
    participant = refer()
    referral_id = participant.referrals[0].referral_id
    assert participant.expire_intake_deadline(referral_id, stamp(DEADLINE - days(1))) is False
    assert new_events(participant) == []
    assert participant.status == "referred"


def test_expiry_is_recorded_at_the_deadline_even_when_noticed_late() -> None:
    participant = refer()
    referral_id = participant.referrals[0].referral_id
    assert participant.expire_intake_deadline(referral_id, stamp(DEADLINE + days(3))) is True
    [event] = new_events(participant)
    assert isinstance(event, Participant.IntakeDeadlineExpired)
    assert (event.referral_id, event.deadline) == (referral_id, DEADLINE)
    assert event.occurred_at == DEADLINE
    assert event.timestamp == DEADLINE + days(3)
    assert participant.status == "intake_deadline_expired"
    assert participant.intake_deadline is None


def test_expiry_is_due_at_the_deadline_itself() -> None:
    participant = refer()
    assert participant.expire_intake_deadline(participant.referrals[0].referral_id, stamp(DEADLINE))


def test_expiring_twice_records_once() -> None:
    participant = refer()
    referral_id = participant.referrals[0].referral_id
    assert participant.expire_intake_deadline(referral_id, stamp(DEADLINE)) is True
    participant.collect_events()
    assert participant.expire_intake_deadline(referral_id, stamp(DEADLINE + days(1))) is False
    assert new_events(participant) == []


def test_an_extended_deadline_expires_only_at_its_new_time() -> None:
    participant = refer()
    referral_id = extend(participant, DEADLINE + days(14))
    participant.collect_events()
    assert participant.expire_intake_deadline(referral_id, stamp(DEADLINE + days(1))) is False
    assert participant.expire_intake_deadline(referral_id, stamp(DEADLINE + days(14))) is True


def test_an_enrolled_participant_has_nothing_to_expire() -> None:
    participant = enrolled()
    referral_id = participant.referrals[0].referral_id
    assert participant.expire_intake_deadline(referral_id, stamp(DEADLINE + days(1))) is False
    assert new_events(participant) == []
    assert participant.status == "enrolled"


def test_a_referral_without_a_deadline_never_expires() -> None:
    participant = refer(social_contact())
    referral_id = participant.referrals[0].referral_id
    assert participant.expire_intake_deadline(referral_id, stamp(T0 + days(400))) is False


def test_expiring_one_diversion_leaves_a_later_one_running() -> None:
    participant = refer(arrest_diversion(T0))
    later = arrest_diversion(T0 + days(10))
    refer_again(participant, later)
    assert participant.expire_intake_deadline(participant.referrals[0].referral_id, stamp(DEADLINE))
    assert participant.status == "referred"
    assert participant.intake_deadline == DEADLINE + days(10)
