"""Group commit (PostgreSQL): saves written together still succeed or fail one by one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from composition.bootstrap import build
from domain.base import Stamp
from domain.identifiers import SITE_WIDE, IdentifierClaim, legacy_index_id
from domain.values import Identifier
from infra.group_commit import GroupCommitRecorder, PendingSave
from infra.settings import Settings
from services.container import Container
from tests.conftest import START
from tests.integration.support import (
    context,
    notification_ids,
    postgres_settings,
    refer,
    run_together,
    social_contact,
)

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Container]:
    built = build(postgres_settings(postgres_url))
    yield built
    built.close()


def recorder_of(container: Container) -> GroupCommitRecorder:
    recorder = container.store.recorder
    assert isinstance(recorder, GroupCommitRecorder)
    return recorder


def claim(value: str) -> IdentifierClaim:
    stamp = Stamp(context("police", "spd").meta, START)
    return IdentifierClaim.claim(
        Identifier("spd", value),
        uuid4(),
        stamp,
        SITE_WIDE,
        legacy_index_id(Identifier("spd", value)),
    )


def pending(container: Container, *aggregates: Aggregate) -> PendingSave:
    events = [e for a in aggregates for e in a.collect_events()]
    return PendingSave([container.store.mapper.to_stored_event(e) for e in events])


def stored_owner(container: Container, value: str) -> object:
    found: IdentifierClaim = container.store.repository.get(
        legacy_index_id(Identifier("spd", value))
    )
    return found.participant_id


def test_a_save_conflicting_within_its_batch_fails_alone(pg: Container) -> None:
    first, rival, other = claim("A-1"), claim("A-1"), claim("B-1")
    batch = [pending(pg, first), pending(pg, rival), pending(pg, other)]
    recorder_of(pg).write(batch)
    assert isinstance(batch[1].error, IntegrityError)
    assert batch[0].ids and batch[2].ids
    assert batch[0].ids[0] < batch[2].ids[0]  # positions follow the order of the saves
    assert stored_owner(pg, "A-1") == first.participant_id


def test_a_save_conflicting_with_a_stored_event_writes_none_of_its_events(pg: Container) -> None:
    recorder_of(pg).write([pending(pg, claim("C-1"))])
    head = max(notification_ids(pg.store))
    loser = pending(pg, claim("D-1"), claim("C-1"))  # D-1 is new, C-1 is taken
    winner = pending(pg, claim("E-1"))
    recorder_of(pg).write([loser, winner])
    assert isinstance(loser.error, IntegrityError)
    assert winner.ids is not None
    assert winner.ids[0] > head
    with pytest.raises(Exception, match="not found"):
        stored_owner(pg, "D-1")


def test_concurrent_referrals_all_commit_each_with_its_own_positions(pg: Container) -> None:
    commands = [social_contact(n, START - timedelta(hours=1)) for n in range(24)]
    results = run_together(len(commands), lambda i: refer(pg, commands[i]))
    assert all(isinstance(r, tuple) for r in results), results
    ids = notification_ids(pg.store)
    assert ids == sorted(set(ids))
    assert len(ids) == 24 * 2  # a referral and a claim each


def test_turned_off_it_is_the_library_recorder(postgres_url: str) -> None:
    settings = Settings(**(postgres_settings(postgres_url).model_dump() | {"group_commit": False}))
    built = build(settings)
    try:
        assert not isinstance(built.store.recorder, GroupCommitRecorder)
    finally:
        built.close()
