"""An Idempotency-Key makes a write happen once, however many copies of it race."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from domain.base import Stamp
from domain.errors import IdempotencyKeyReused
from domain.identifiers import IdentifierClaim
from domain.legal_errors import RoiDoesNotCover
from domain.participant import Participant
from domain.values import PolicyTerms
from infra.eventstore import LeadStore
from services.answers import encode
from services.container import Container
from services.context import Outcome, RequestContext
from services.idempotency import OLD_MODULE as OLD
from services.idempotency import IdempotencyRecord
from services.legal_coordination.sharing import ShareCommand
from services.results import PolicyInForce
from tests.conftest import START
from tests.integration.support import (
    context,
    count_events,
    refer,
    run_together,
    social_contact,
)

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
    head = container.store.table.head()
    other = context("police", "spd", key="referral-0002", fingerprint="sha256-of-request-2")
    with pytest.raises(IdempotencyKeyReused):
        container.referrals.refer(other, social_contact(2, START - timedelta(hours=1)))
    assert container.store.table.head() == head
    assert count_events(container.store, Participant.Referred) == 1


def test_keys_belong_to_their_client(container: Container) -> None:
    """Another agency's client may use the same key for its own request."""
    spd = context("police", "spd", key="referral-0003", fingerprint="sha256-of-request-1")
    kcso = context("police", "kcso", key="referral-0003", fingerprint="sha256-of-request-2")
    container.referrals.refer(spd, social_contact(1, START - timedelta(hours=1)))
    replay = container.referrals.refer(kcso, social_contact(2, START - timedelta(hours=1)))
    assert not replay.replayed
    assert count_events(container.store, Participant.Referred) == 2


def write_old_record(
    store: LeadStore, ctx: RequestContext, status: int, body: dict[str, Any]
) -> None:
    """An accepted request as stored before December 2026: `domain.idempotency`'s topics,
    the HTTP status and the body."""
    assert ctx.meta.idempotency_key is not None
    stamp = Stamp(ctx.meta, START)
    record = IdempotencyRecord.accept(
        ctx.meta.client_id, ctx.meta.idempotency_key, ctx.fingerprint, "done", {}, stamp
    )
    [event] = record.collect_events()
    stored = store.mapper.to_stored_event(event)
    state = json.loads(stored.state)
    for new in ("kind", "answer", "class_version"):
        state.pop(new)
    state |= {"status": status, "body": body, "originator_topic": f"{OLD}:IdempotencyRecord"}
    old = StoredEvent(
        stored.originator_id,
        stored.originator_version,
        f"{OLD}:IdempotencyRecord.Accepted",
        json.dumps(state).encode(),
    )
    store.recorder.insert_events([old])


def test_records_stored_in_the_old_shape_still_replay(container: Container) -> None:
    """Same key and body: the answer given then, typed as the use cases answer now."""
    referral_ctx = context("police", "spd", key="old-1", fingerprint="fp-referral")
    first = {
        "referral_id": str(uuid4()),
        "participant_id": str(uuid4()),
        "status": "referred",
        "participant_status": "referred",
        "decline_reason": None,
        "intake_deadline": None,
        "non_return": None,
    }
    write_old_record(container.store, referral_ctx, 201, first)
    policy_ctx = context("project_manager", "pcg", key="old-2", fingerprint="fp-policy")
    flat_policy = {"version": 3, **encode(PolicyTerms(caseload_max=22))}
    write_old_record(container.store, policy_ctx, 200, flat_policy)

    replayed = container.referrals.refer(
        referral_ctx, social_contact(1, START - timedelta(hours=1))
    )
    assert replayed.replayed
    assert replayed.result.referral_id == UUID(first["referral_id"])
    assert replayed.result.participant_id == UUID(first["participant_id"])
    policy = container.staff.set_policy(policy_ctx, PolicyTerms())
    assert (policy.replayed, policy.result) == (
        True,
        PolicyInForce(3, PolicyTerms(caseload_max=22)),
    )
    assert count_events(container.store, Participant.Referred) == 0


def test_an_old_refused_share_is_refused_again(container: Container) -> None:
    participant_id, _ = refer(container, social_contact(1, START - timedelta(hours=1)))
    ctx = context("case_manager", "lead-cm", key="old-3", fingerprint="fp-share")
    attempt = str(uuid4())
    refusal = {"attempt_id": attempt, "reason": "no_roi", "detail": "no ROI in force"}
    write_old_record(container.store, ctx, 403, refusal)
    share = ShareCommand("spd", "engagement", "engaged", START - timedelta(minutes=5))
    with pytest.raises(RoiDoesNotCover) as refused:
        container.coordination.share_information(ctx, participant_id, share)
    assert refused.value.extensions["attempt_id"] == attempt
    assert refused.value.extensions["reason"] == "no_roi"
