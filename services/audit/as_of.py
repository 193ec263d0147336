"""Whether a stream is a participant's, read from its first stored event."""

from __future__ import annotations

from uuid import UUID

from infra.eventstore import LeadStore
from projections.touching import kind_of


def participant_exists(store: LeadStore, participant_id: UUID) -> bool:
    topic = store.table.first_topic(participant_id)
    return topic is not None and kind_of(topic).is_participant
