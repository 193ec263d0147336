"""The invariants, checked against the store itself (not through the service under test)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

import psycopg
from eventsourcing.application import AggregateNotFoundError

from domain.identifiers import IdentifierClaim, identifier_index_id
from domain.participant import Participant
from domain.values import Identifier
from infra.eventstore import POSTGRES_EVENTS_TABLE, LeadStore, open_store
from infra.settings import Settings
from reliability.clients import IDENTIFIER_SYSTEM
from reliability.writers import Write

GAPS = f"""
SELECT count(*) FROM (
    SELECT originator_id FROM {POSTGRES_EVENTS_TABLE} GROUP BY originator_id
    HAVING min(originator_version) <> 1 OR max(originator_version) <> count(*)
) AS broken
"""  # noqa: S608 (a constant table name)


@dataclass
class Findings:
    acked: int = 0
    lost: int = 0
    duplicated: int = 0
    violations: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Findings) -> None:
        self.acked += other.acked
        self.lost += other.lost
        self.duplicated += other.duplicated
        self.violations += other.violations
        self.notes += other.notes

    def violation(self, note: str, count: int = 1) -> None:
        if count:
            self.violations += count
            self.notes.append(note)


@contextmanager
def store_of(settings: Settings) -> Iterator[LeadStore]:
    store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


def referrals_of(store: LeadStore, identifier: str) -> tuple[UUID | None, list[UUID]]:
    """The participant an identifier belongs to and every referral of that participant."""
    try:
        claim: object = store.repository.get(
            identifier_index_id(Identifier(IDENTIFIER_SYSTEM, identifier))
        )
    except AggregateNotFoundError:
        return None, []
    assert isinstance(claim, IdentifierClaim)
    participant: object = store.repository.get(claim.participant_id)
    assert isinstance(participant, Participant)
    return participant.id, [r.referral_id for r in participant.referrals]


def check_writes(settings: Settings, writes: Iterable[Write]) -> Findings:
    """Lost: acknowledged, not in the store. Duplicated: one logical write (one new person,
    one key) that left more than one referral."""
    found = Findings()
    with store_of(settings) as store:
        for write in writes:
            owner, referrals = referrals_of(store, write.identifier)
            found.duplicated += max(0, len(referrals) - 1)
            if write.ack is None:
                continue
            found.acked += 1
            if UUID(write.ack["referral_id"]) not in referrals:
                found.lost += 1
            elif owner != UUID(write.ack["participant_id"]):
                found.violation(f"acknowledged participant differs for {write.identifier}")
    found.violation("histories with a gap in versions", broken_histories(settings))
    return found


def broken_histories(settings: Settings) -> int:
    """Aggregates whose versions are not exactly 1..n."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        row = conn.execute(GAPS).fetchone()
    return int(row[0]) if row else 0
