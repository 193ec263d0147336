"""The invariants, checked against the store itself (not through the service under test)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent

from domain.identifiers import SITE_WIDE
from domain.participant import Participant
from domain.values import Identifier
from infra.events_table.dialects import POSTGRES_EVENTS_TABLE
from infra.eventstore import LeadStore, open_store
from infra.keyring import DataKeyLost
from infra.settings import Settings
from reliability.clients import IDENTIFIER_SYSTEM, WRITERS_AGENCY
from reliability.writers import Write

GAPS = f"""
SELECT count(*) FROM (
    SELECT originator_id FROM {POSTGRES_EVENTS_TABLE} GROUP BY originator_id
    HAVING min(originator_version) <> 1 OR max(originator_version) <> count(*)
) AS broken
"""  # noqa: S608 (a constant table name)


EVENTS_OF = f"""
SELECT originator_id, originator_version, topic, state FROM {POSTGRES_EVENTS_TABLE}
WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version
"""  # noqa: S608 (a constant table name)
CHUNK = 2000
Referrals = tuple[UUID | None, list[UUID]]


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


def events_of(
    settings: Settings, store: LeadStore, ids: list[UUID], unreadable: set[UUID]
) -> dict[UUID, list[Any]]:
    """Every event of these aggregates, decoded, in version order: in bulk, since R1 checks
    tens of thousands of writes. An aggregate whose data key the store lost (R3b: a key
    committed asynchronously, gone in the crash, while events sealed with it were not) goes
    into `unreadable` instead: damage to count, not a reason to stop counting."""
    found: dict[UUID, list[Any]] = {}
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        for start in range(0, len(ids), CHUNK):
            rows = conn.execute(EVENTS_OF, (ids[start : start + CHUNK],))
            for originator_id, version, topic, state in rows:
                stored = StoredEvent(originator_id, version, topic, bytes(state))
                try:
                    event = store.mapper.to_domain_event(stored)
                except DataKeyLost:
                    unreadable.add(originator_id)
                    continue
                found.setdefault(originator_id, []).append(event)
    for lost in unreadable:
        found.pop(lost, None)
    return found


def referrals_by_identifier(
    settings: Settings, identifiers: list[str], unreadable: set[UUID]
) -> dict[str, Referrals]:
    """For each identifier: the participant it belongs to and every referral of them."""
    with store_of(settings) as store:
        ids = store.claim_ids
        # The writers' system is registered to no agency, so its claims are scoped to the
        # referring agency (issue 13); site-wide too, should a site register it.
        claims = {
            ids.index_id(Identifier(IDENTIFIER_SYSTEM, i), scope): i
            for i in identifiers
            for scope in (SITE_WIDE, WRITERS_AGENCY)
        }
        claimed = events_of(settings, store, list(claims), unreadable)
        owners = {
            claims[claim_id]: events[0].participant_id for claim_id, events in claimed.items()
        }
        histories = events_of(settings, store, sorted(set(owners.values())), unreadable)
    return {
        identifier: (owner, [e.referral_id for e in histories.get(owner, []) if is_referral(e)])
        for identifier, owner in owners.items()
    }


def is_referral(event: object) -> bool:
    return isinstance(event, Participant.Referred | Participant.ReferredAgain)


def check_writes(settings: Settings, writes: Iterable[Write]) -> Findings:
    """Lost: acknowledged, not in the store. Duplicated: one logical write (one new person,
    one key) that left more than one referral."""
    found = Findings()
    writes = list(writes)
    unreadable: set[UUID] = set()
    known = referrals_by_identifier(settings, [w.identifier for w in writes], unreadable)
    for write in writes:
        owner, referrals = known.get(write.identifier, (None, []))
        found.duplicated += max(0, len(referrals) - 1)
        if write.ack is None:
            continue
        found.acked += 1
        if UUID(write.ack["referral_id"]) not in referrals:
            found.lost += 1
        elif owner != UUID(write.ack["participant_id"]):
            found.violation(f"acknowledged participant differs for {write.identifier}")
    found.violation("histories with a gap in versions", broken_histories(settings))
    found.violation("records whose data key the store lost", len(unreadable))
    return found


def broken_histories(settings: Settings) -> int:
    """Aggregates whose versions are not exactly 1..n."""
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        row = conn.execute(GAPS).fetchone()
    return int(row[0]) if row else 0
