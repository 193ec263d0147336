"""The seeder's write-behind store: what it holds reads back as stored, a command that failed
half-way leaves no trace, and long histories get snapshots as with the ordinary store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID, uuid4

import pytest

from composition.bootstrap import build
from domain.identifiers import legacy_index_id
from domain.participant import Participant
from domain.policy import SITE_POLICY_ID
from domain.values import Identifier, Person
from infra.clock import SettableClock
from infra.eventstore import LeadStore, open_store, store_environment
from infra.settings import Settings
from infra.write_behind import WriteBehindStore
from seeding.runner import as_role
from services.referrals.referrals import ReferralCommand
from tests.unit.builders import (
    PERSON,
    POLICY_VERSION,
    T0,
    TERMS,
    arrest_diversion,
    cm_stamp,
    days,
    stamp,
)

pytestmark = pytest.mark.integration


@contextmanager
def stored(settings: Settings) -> Iterator[LeadStore]:
    """The database as the ordinary store reads it: what was really written."""
    plain = open_store(settings)
    try:
        yield plain
    finally:
        plain.close()


def referred() -> Participant:
    return Participant.refer(
        uuid4(),
        PERSON,
        uuid4(),
        arrest_diversion(),
        accepted=True,
        terms=TERMS,
        policy_version=POLICY_VERSION,
        stamp=stamp(T0),
    )


def test_held_events_read_back_before_and_after_the_flush(settings: Settings) -> None:
    store = WriteBehindStore(env=store_environment(settings))
    participant = referred()
    store.save(participant)
    held = store.repository.get(participant.id)
    held.record_contact(T0 + days(1), "phone", cm_stamp(T0 + days(1)))
    store.save(held)
    assert store.repository.get(participant.id).version == 2
    assert store.flush() == 2
    store.close()
    with stored(settings) as plain:
        assert plain.repository.get(participant.id).version == 2


def test_a_command_that_failed_half_way_leaves_nothing_behind(settings: Settings) -> None:
    store = WriteBehindStore(env=store_environment(settings))
    try:
        participant = referred()
        store.save(participant)
        broken = store.repository.get(participant.id)
        broken.record_contact(T0 + days(1), "phone", cm_stamp(T0 + days(1)))  # never saved
        again = store.repository.get(participant.id)
        assert again.version == 1
        assert not again.pending_events
        assert store.flush() == 0  # the referral was written when the failure was found
    finally:
        store.close()
    with stored(settings) as plain:
        assert plain.repository.get(participant.id).version == 1


def snapshot_versions(settings: Settings, aggregate_id: UUID) -> list[int]:
    with stored(settings) as plain:
        assert plain.snapshots is not None
        return [s.originator_version for s in plain.snapshots.get(aggregate_id)]


def test_a_long_history_held_throughout_is_snapshotted_once_at_the_end(
    settings: Settings,
) -> None:
    store = WriteBehindStore(env=store_environment(settings))
    participant = referred()
    for day in range(1, 121):
        participant.record_contact(T0 + days(day), "phone", cm_stamp(T0 + days(day)))
        store.save(participant)
        if day % 10 == 0:
            store.flush()
    assert snapshot_versions(settings, participant.id) == []
    store.close()  # the final flush
    assert snapshot_versions(settings, participant.id) == [121]
    with stored(settings) as plain:
        assert plain.repository.get(participant.id).version == 121
        assert plain.repository.get(participant.id, version=60).version == 60


def test_an_aggregate_leaving_memory_takes_its_due_snapshot(settings: Settings) -> None:
    store = WriteBehindStore(env=store_environment(settings), hold_at_most=1)
    try:
        long_one = referred()
        for day in range(1, 60):
            long_one.record_contact(T0 + days(day), "phone", cm_stamp(T0 + days(day)))
        store.save(long_one)
        store.save(referred())  # the long history is now the least recently used
        store.flush()
        assert snapshot_versions(settings, long_one.id) == [60]
        assert store.repository.get(long_one.id).version == 60  # read back from the store
    finally:
        store.close()


def test_use_cases_see_what_is_held_not_yet_written(settings: Settings) -> None:
    """Referral reads (policy, caseloads, identifier claims) normally take one query straight
    to the database; through the write-behind store they must see the held events."""
    store = WriteBehindStore(env=store_environment(settings))
    container = build(settings, clock=SettableClock(T0 + days(1)), store=store)
    try:
        container.staff.set_policy(as_role("project_manager", "pcg"), TERMS)
        person = Person("Ada", "Example", None, (Identifier("spd-person", "A-1"),))
        police = as_role("police", "spd")
        first = container.referrals.refer(police, ReferralCommand(person, arrest_diversion()))
        again = container.referrals.refer(police, ReferralCommand(person, arrest_diversion()))
        assert again.result.participant_id == first.result.participant_id
        assert store.stored_head == 0  # nothing written yet: both answers came from memory
        store.flush()
    finally:
        container.close()
    with stored(settings) as plain:
        claim = plain.repository.get(legacy_index_id(person.identifiers[0], "spd"))  # plaintext
        assert claim.participant_id == first.result.participant_id
        assert plain.repository.get(SITE_POLICY_ID).terms == TERMS
