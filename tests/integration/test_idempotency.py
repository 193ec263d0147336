"""An Idempotency-Key makes a write happen once, however many copies of it race."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import IdempotencyKeyReused
from domain.identifiers import IdentifierClaim
from domain.participant import Participant
from infra.bootstrap import Container
from infra.positions import head_position
from services.context import Outcome
from services.idempotency import IdempotencyRecord
from tests.conftest import START
from tests.integration.support import context, count_events, run_together, social_contact

pytestmark = pytest.mark.integration

COPIES = 8


def test_the_same_request_from_eight_threads_is_written_once(container: Container) -> None:
    ctx = context("police", "spd", key="referral-0001", fingerprint="sha256-of-request-1")
    command = social_contact(1, START - timedelta(hours=1))
    results = run_together(COPIES, lambda _: container.referrals.refer(ctx, command))
    outcomes = [result for result in results if isinstance(result, Outcome)]
    assert len(outcomes) == COPIES, results
    assert len({outcome.result for outcome in outcomes}) == 1
    assert len({outcome.position for outcome in outcomes}) == 1
    assert sorted(outcome.replayed for outcome in outcomes) == [False] + [True] * (COPIES - 1)
    store = container.store
    assert count_events(store, Participant.Referred) == 1
    assert count_events(store, IdentifierClaim.Claimed) == 1
    assert count_events(store, IdempotencyRecord.Accepted) == 1
    participant: Participant = store.repository.get(outcomes[0].result.participant_id)
    assert [r.referral_id for r in participant.referrals] == [outcomes[0].result.referral_id]


def test_the_same_key_with_a_different_request_is_refused(container: Container) -> None:
    first = context("police", "spd", key="referral-0002", fingerprint="sha256-of-request-1")
    container.referrals.refer(first, social_contact(1, START - timedelta(hours=1)))
    head = head_position(container.store)
    other = context("police", "spd", key="referral-0002", fingerprint="sha256-of-request-2")
    with pytest.raises(IdempotencyKeyReused):
        container.referrals.refer(other, social_contact(2, START - timedelta(hours=1)))
    assert head_position(container.store) == head
    assert count_events(container.store, Participant.Referred) == 1


def test_keys_belong_to_their_client(container: Container) -> None:
    """Another agency's client may use the same key for its own request."""
    spd = context("police", "spd", key="referral-0003", fingerprint="sha256-of-request-1")
    kcso = context("police", "kcso", key="referral-0003", fingerprint="sha256-of-request-2")
    container.referrals.refer(spd, social_contact(1, START - timedelta(hours=1)))
    replay = container.referrals.refer(kcso, social_contact(2, START - timedelta(hours=1)))
    assert not replay.replayed
    assert count_events(container.store, Participant.Referred) == 2
