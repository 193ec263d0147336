"""The policies between referral and legal matters, on a hand-written fake of the store."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.base import Meta, Stamp
from domain.legal_matter import LegalMatter, diverted_matter_id
from domain.participant import Participant
from domain.values import Arrest, Location, PolicyTerms, Referral
from services.legal_coordination.reactions import LegalReactions
from services.legal_coordination.store import LegalRepository
from tests.unit.legal_fixtures import INDEPENDENT, T0, THEFT, decide

pytestmark = pytest.mark.unit

OFFICER = Stamp(Meta("badge-1", "spd-police", "spd", "police"), T0)
TERMS = PolicyTerms(divertible_charges=(THEFT,))


class FakeLegal:
    """Only what the reactions use: `find` by id."""

    def __init__(self) -> None:
        self.saved: dict[UUID, Aggregate] = {}

    def find(self, cls: type[Any], aggregate_id: UUID) -> Any:
        found = self.saved.get(aggregate_id)
        return found if isinstance(found, cls) else None

    def save(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            aggregate.collect_events()
            self.saved[aggregate.id] = aggregate


def diversion(door: str = "arrest_diversion") -> Referral:
    arrest = Arrest((THEFT,), Location("3rd and Pine"), T0) if door == "arrest_diversion" else None
    return Referral(door=door, referred_at=T0, arrest=arrest)


def refer(accepted: bool = True, door: str = "arrest_diversion") -> tuple[Participant, UUID]:
    referral_id = uuid4()
    participant = Participant.refer(
        uuid4(), cast(Any, None), referral_id, diversion(door), accepted, TERMS, 1, OFFICER
    )
    return participant, referral_id


def enroll(participant: Participant, days: int = 2) -> None:
    stamp = Stamp(OFFICER.meta, T0 + timedelta(days=days))
    participant.complete_intake(T0 + timedelta(days=days), "housing", stamp)
    participant.sign_roi(uuid4(), T0 + timedelta(days=days), ("spd",), ("engagement",), None, stamp)


def react(legal: FakeLegal, *aggregates: Aggregate) -> list[LegalMatter]:
    touched = LegalReactions(cast(LegalRepository, legal))(aggregates, OFFICER)
    legal.save(*aggregates, *touched)
    return [m for m in touched if isinstance(m, LegalMatter)]


def test_an_accepted_arrest_diversion_opens_a_diverted_charge() -> None:
    legal = FakeLegal()
    participant, referral_id = refer()
    (matter,) = react(legal, participant)
    assert matter.id == diverted_matter_id(referral_id)
    assert (matter.kind, matter.state, matter.details.charges) == (
        "diverted_charge",
        "diverted",
        (THEFT,),
    )


@pytest.mark.parametrize(("accepted", "door"), [(False, "arrest_diversion"), (True, "community")])
def test_no_matter_without_an_accepted_arrest_diversion(accepted: bool, door: str) -> None:
    participant, _ = refer(accepted, door)
    assert react(FakeLegal(), participant) == []


def test_expiry_then_enrollment_moves_the_same_matter() -> None:
    legal = FakeLegal()
    participant, referral_id = refer()
    react(legal, participant)
    late = Stamp(OFFICER.meta, T0 + timedelta(days=31))
    assert participant.expire_intake_deadline(referral_id, late)
    (matter,) = react(legal, participant)
    assert matter.state == "referred_for_filing"
    enroll(participant, days=35)
    (matter,) = react(legal, participant)
    assert (matter.state, matter.protected) == ("not_filed", True)


def test_enrollment_after_filing_is_noted_not_rewritten() -> None:
    legal = FakeLegal()
    participant, referral_id = refer()
    react(legal, participant)
    participant.expire_intake_deadline(referral_id, Stamp(OFFICER.meta, T0 + timedelta(days=31)))
    react(legal, participant)
    matter = legal.find(LegalMatter, diverted_matter_id(referral_id))
    legal.save(decide(matter, "file", days=32, basis=INDEPENDENT))
    enroll(participant, days=35)
    (matter,) = react(legal, participant)
    assert (matter.state, matter.enrolled_while_filed) == ("filed", True)


def test_a_matter_missing_from_the_store_is_opened_on_the_way() -> None:
    """Referrals recorded before matters existed still get theirs on expiry."""
    participant, referral_id = refer()
    participant.collect_events()
    participant.expire_intake_deadline(referral_id, Stamp(OFFICER.meta, T0 + timedelta(days=31)))
    (matter,) = react(FakeLegal(), participant)
    assert matter.state == "referred_for_filing"
    assert len(matter.pending_events) == 0  # saved: opened and referred in one batch
    assert matter.version == 2


def test_a_new_diversion_of_an_enrolled_participant_is_not_filed_from_the_start() -> None:
    legal = FakeLegal()
    participant, _ = refer()
    enroll(participant)
    react(legal, participant)
    again = uuid4()
    participant.refer_again(
        again, diversion(), accepted=True, terms=TERMS, policy_version=1, stamp=OFFICER
    )
    (matter,) = react(legal, participant)
    assert matter.id == diverted_matter_id(again)
    assert matter.state == "not_filed"
