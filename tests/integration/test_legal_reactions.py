"""The reactions between the referral and legal contexts are crash-safe because they are
saved in the very transaction of the event that caused them: on both stores, a save that
fails anywhere leaves neither, and a save that succeeds leaves both."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.domain import Aggregate

from domain.base import Meta, Stamp
from domain.caseloads import Caseloads
from domain.legal_matter import LegalMatter, diverted_matter_id
from domain.participant import Participant
from domain.policy import SitePolicy
from domain.values import Arrest, Charge, Location, Person, PolicyTerms, Referral
from services.container import Container
from services.context import RequestContext
from services.legal_coordination.reactions import LegalReactions
from services.legal_coordination.store import LegalRepository
from services.referrals.referrals import ReferralCommand, ReferralService
from services.repository import Repository
from services.unit_of_work import Reactions, StoreBusy, UnitOfWork

pytestmark = pytest.mark.integration

THEFT = Charge("9A.56.050", "theft in the third degree")
OFFICER = Meta(actor="badge-1", client_id="spd-police", agency="spd", role="police")


def head(container: Container) -> int:
    return int(container.store.recorder.max_notification_id() or 0)


def seed(container: Container) -> None:
    stamp = Stamp(OFFICER, container.clock.now())
    terms = PolicyTerms(divertible_charges=(THEFT,))
    container.store.save(SitePolicy.adopt(terms, stamp), Caseloads.open(stamp))


def diversion(now: datetime) -> ReferralCommand:
    arrest = Arrest((THEFT,), Location("3rd Ave and Pine St"), now - timedelta(hours=1))
    referral = Referral("arrest_diversion", now - timedelta(hours=2), arrest=arrest)
    return ReferralCommand(Person("Test", "Person"), referral)


def referrals(container: Container, reactions: Reactions) -> ReferralService:
    uow = UnitOfWork(container.store, container.clock, max_attempts=1, reactions=reactions)
    return ReferralService(Repository(container.store), uow, container.clock, timedelta(0))


def failing_after(real: Reactions) -> Reactions:
    """The real reactions, then an aggregate the database refuses at insert time (the first
    event of the caseloads, which already exist): the failure comes after the participant's
    and the matter's rows were inserted, inside the same transaction."""

    def reactions(aggregates: Sequence[Aggregate], stamp: Stamp) -> list[Aggregate]:
        return [*real(aggregates, stamp), Caseloads.open(stamp)]

    return reactions


def topics_after(container: Container, position: int) -> list[str]:
    notifications = container.store.recorder.select_notifications(position + 1, 100)
    return [n.topic for n in notifications]


def test_a_failed_save_leaves_neither_the_participant_event_nor_the_matter(
    container: Container,
) -> None:
    seed(container)
    before = head(container)
    service = referrals(container, failing_after(LegalReactions(LegalRepository(container.store))))
    shared = random.getstate()
    with pytest.raises(StoreBusy):
        service.refer(RequestContext(OFFICER), diversion(container.clock.now()))
    assert head(container) == before
    assert random.getstate() == shared  # the retries drew their waits from their own generator
    assert topics_after(container, before) == []


def test_a_successful_save_leaves_both_in_one_transaction(container: Container) -> None:
    seed(container)
    before = head(container)
    service = referrals(container, LegalReactions(LegalRepository(container.store)))
    outcome = service.refer(RequestContext(OFFICER), diversion(container.clock.now()))
    topics = topics_after(container, before)
    assert [t.split(":")[1] for t in topics] == ["Participant.Referred", "LegalMatter.Opened"]
    assert outcome.position == head(container)
    matter = container.store.repository.get(diverted_matter_id(outcome.result.referral_id))
    assert isinstance(matter, LegalMatter)
    assert matter.participant_id == outcome.result.participant_id
    participant = container.store.repository.get(matter.participant_id)
    assert isinstance(participant, Participant)
    assert matter.created_on == participant.created_on == datetime(2026, 11, 24, 12, tzinfo=UTC)
