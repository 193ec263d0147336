"""The intake-deadline worker: expiry is recorded once a deadline passes, and never twice."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import select

from domain.participant import Participant
from infra.clock import SettableClock
from projections.tables import intake_deadlines
from services.container import Container
from services.referrals.participants import RoiSigning
from tests.conftest import START
from tests.integration.support import (
    CASE_MANAGER,
    POLICE,
    adopt_policy,
    arrest_diversion,
    count_events,
    refer,
    run_together,
)

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def policy(container: Container) -> None:
    adopt_policy(container, intake_deadline_days=30)


def status_of(container: Container, participant_id: UUID) -> str:
    participant: Participant = container.store.repository.get(participant_id)
    assert isinstance(participant, Participant)
    return participant.status


def test_a_referral_31_days_old_expires_on_the_first_tick(container: Container) -> None:
    referred_at = START - timedelta(days=31)
    participant_id, referral_id = refer(container, arrest_diversion(1, referred_at))
    assert container.deadlines.tick() == 1
    assert status_of(container, participant_id) == "intake_deadline_expired"
    events = list(container.store.events.get(participant_id))
    expired = events[-1]
    assert isinstance(expired, Participant.IntakeDeadlineExpired)
    assert expired.referral_id == referral_id
    assert expired.deadline == referred_at + timedelta(days=30)
    assert container.deadlines.tick() == 0
    assert count_events(container.store, Participant.IntakeDeadlineExpired) == 1


def test_moving_the_clock_past_the_deadline_expires_it(
    container: Container, clock: SettableClock
) -> None:
    participant_id, _ = refer(container, arrest_diversion(1, START - timedelta(hours=1)))
    assert container.deadlines.tick() == 0
    clock.advance(timedelta(days=29, hours=22))
    assert container.deadlines.tick() == 0
    assert status_of(container, participant_id) == "referred"
    clock.advance(timedelta(hours=2))
    assert container.deadlines.tick() == 1
    assert status_of(container, participant_id) == "intake_deadline_expired"


def test_an_extension_moves_the_deadline(container: Container, clock: SettableClock) -> None:
    participant_id, _ = refer(container, arrest_diversion(1, START - timedelta(hours=1)))
    container.participants.extend_intake_deadline(
        POLICE,
        participant_id,
        START + timedelta(days=45),
        "Sgt. Example #4411",
        "incapacitated",
        "",
    )
    clock.advance(timedelta(days=31))
    assert container.deadlines.tick() == 0
    assert status_of(container, participant_id) == "referred"
    clock.advance(timedelta(days=15))
    assert container.deadlines.tick() == 1
    assert status_of(container, participant_id) == "intake_deadline_expired"


def test_enrollment_closes_the_deadline(container: Container, clock: SettableClock) -> None:
    participant_id, referral_id = refer(container, arrest_diversion(1, START - timedelta(hours=1)))
    participants = container.participants
    participants.complete_intake(CASE_MANAGER, participant_id, START - timedelta(minutes=30), "")
    container.agencies.register("spd", START)
    signing = RoiSigning(START - timedelta(minutes=20), ("spd",), ("plan",))
    participants.sign_roi(CASE_MANAGER, participant_id, signing)
    clock.advance(timedelta(days=31))
    assert container.deadlines.tick() == 0
    assert status_of(container, participant_id) == "enrolled"
    with container.sql.connect() as conn:
        row = conn.execute(
            select(intake_deadlines.c.open).where(intake_deadlines.c.referral_id == referral_id)
        ).one()
    assert row.open is False


def test_two_workers_ticking_at_once_write_each_expiry_once(
    container: Container, second_container: Container
) -> None:
    due = [refer(container, arrest_diversion(n, START - timedelta(days=31)))[0] for n in range(6)]
    workers = [container.deadlines, second_container.deadlines]
    ticks = run_together(2, lambda i: workers[i].tick())
    assert all(isinstance(tick, int) for tick in ticks), ticks
    assert sum(ticks) == len(due)  # type: ignore[arg-type]
    assert count_events(container.store, Participant.IntakeDeadlineExpired) == len(due)
    assert {status_of(container, p) for p in due} == {"intake_deadline_expired"}
    assert [worker.tick() for worker in workers] == [0, 0]
