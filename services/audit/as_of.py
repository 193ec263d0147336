"""Which version of an aggregate was the record as known at a moment: a binary search over
the stream's recorded times, one primary-key read per probe, so a participant with ten
thousand events costs about fourteen reads; the repository then loads that version from the
nearest snapshot. Recorded times rise with the version within one stream: each attempt of a
write is stamped and then saved on top of the version that won."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from infra.eventstore import LeadStore
from projections.touching import kind_of


def recorded_at(store: LeadStore, aggregate_id: UUID, version: int) -> datetime:
    stored = store.recorder.select_events(aggregate_id, gt=version - 1, lte=version, limit=1)
    event = store.mapper.to_domain_event(stored[0])
    timestamp: datetime = event.timestamp  # type: ignore[attr-defined]
    return timestamp


def latest_version(store: LeadStore, aggregate_id: UUID) -> int | None:
    stored = store.recorder.select_events(aggregate_id, desc=True, limit=1)
    return stored[0].originator_version if stored else None


def version_known_at(store: LeadStore, aggregate_id: UUID, moment: datetime) -> int | None:
    """The last version recorded at or before `moment`; None if the stream began later."""
    high = latest_version(store, aggregate_id)
    if high is None or recorded_at(store, aggregate_id, 1) > moment:
        return None
    low = 1  # invariant: version `low` was recorded by `moment`
    while low < high:
        middle = (low + high + 1) // 2
        if recorded_at(store, aggregate_id, middle) <= moment:
            low = middle
        else:
            high = middle - 1
    return low


def participant_exists(store: LeadStore, participant_id: UUID) -> bool:
    first = store.recorder.select_events(participant_id, limit=1)
    return bool(first) and kind_of(first[0].topic).is_participant
