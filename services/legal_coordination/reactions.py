"""Policies between the referral and legal contexts, wired in one place
(`composition/bootstrap.py`).

The UnitOfWork calls `LegalReactions` with the aggregates a command is about to save, before
saving; the matters it changes are saved with them in the same store transaction, so a crash
can never leave a participant event without its matter event, or the reverse. A conflict on
either retries the whole command, reactions included, from a fresh load."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.base import Stamp
from domain.doors import Door
from domain.legal_matter import LegalMatter, diverted_matter_id
from domain.participant import Participant
from domain.participant_state import Status
from services.legal_coordination.store import LegalRepository

P = Participant


class DivertedMatters:
    """The diverted-charge matters one command touches: from the batch, the store, or new."""

    def __init__(self, legal: LegalRepository, batch: Sequence[Aggregate]) -> None:
        self.legal = legal
        self.batch = {aggregate.id: aggregate for aggregate in batch}
        self.touched: dict[UUID, LegalMatter] = {}

    def of(
        self, participant: Participant, referral_id: UUID, stamp: Stamp, *, new: bool = False
    ) -> LegalMatter:
        """`new`: the referral is being recorded now, so no matter can exist yet (its id is
        derived from a fresh referral id): skip the store read on the referral hot path."""
        matter_id = diverted_matter_id(referral_id)
        known = self.batch.get(matter_id) or self.touched.get(matter_id)
        if isinstance(known, LegalMatter):
            return known
        found = None if new else self.legal.find(LegalMatter, matter_id)
        matter = found or self.divert(participant, referral_id, stamp)
        self.touched[matter_id] = matter
        return matter

    @staticmethod
    def divert(participant: Participant, referral_id: UUID, stamp: Stamp) -> LegalMatter:
        referral = participant.referral(referral_id)
        charges = referral.arrest.charges if referral.arrest else ()
        return LegalMatter.divert(referral_id, participant.id, charges, referral.referred_at, stamp)


class LegalReactions:
    def __init__(self, legal: LegalRepository) -> None:
        self.legal = legal

    def __call__(self, aggregates: Sequence[Aggregate], stamp: Stamp) -> list[Aggregate]:
        matters = DivertedMatters(self.legal, aggregates)
        for participant in [a for a in aggregates if isinstance(a, Participant)]:
            for event in list(participant.pending_events):
                react(participant, event, stamp, matters)
        return list(matters.touched.values())


def react(participant: Participant, event: Any, stamp: Stamp, matters: DivertedMatters) -> None:
    if isinstance(event, P.Referred | P.ReferredAgain):
        diverted = event.referral.door == Door.ARREST_DIVERSION
        if diverted and event.status in (Status.REFERRED, Status.ENROLLED):
            matter = matters.of(participant, event.referral_id, stamp, new=True)
            if event.status == Status.ENROLLED:  # a new diversion of someone already enrolled
                matter.close_on_enrollment(event.occurred_at, stamp)
    elif isinstance(event, P.IntakeDeadlineExpired):
        matters.of(participant, event.referral_id, stamp).refer_for_filing(event.deadline, stamp)
    elif isinstance(event, P.Enrolled):
        for referral_id in event.diverted_referral_ids:
            matter = matters.of(participant, referral_id, stamp)
            matter.close_on_enrollment(event.occurred_at, stamp)
