"""Loading legal matters and coordination records, now or as they were known at a moment."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.base import LeadAggregate, Stamp
from domain.coordination import Coordination, coordination_id
from domain.errors import NotFound
from domain.legal_matter import LegalMatter
from infra.eventstore import LeadStore
from services.repository import check_version

A = TypeVar("A", bound=Aggregate)


class LegalRepository:
    def __init__(self, store: LeadStore) -> None:
        self.store = store

    def matter(self, matter_id: UUID, expected_version: int | None = None) -> LegalMatter:
        matter = self.find(LegalMatter, matter_id)
        if matter is None:
            raise NotFound(f"legal matter {matter_id} not found")
        check_version("the legal matter", matter.version, expected_version)
        return matter

    def coordination(self, participant_id: UUID, stamp: Stamp) -> Coordination:
        """The participant's record, opened (unsaved) by this command if there is none yet."""
        found = self.find(Coordination, coordination_id(participant_id))
        return found or Coordination.open(participant_id, stamp)

    def find(self, cls: type[A], aggregate_id: UUID, as_of: datetime | None = None) -> A | None:
        """The aggregate (of that class), as known at `as_of` when given; None if absent."""
        version = None if as_of is None else self.version_at(aggregate_id, as_of)
        if as_of is not None and version is None:
            return None
        try:
            found: object = self.store.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, cls) else None

    def version_at(self, aggregate_id: UUID, as_of: datetime) -> int | None:
        """The version of the last event recorded up to `as_of`."""
        version = None
        for event in self.store.events.get(aggregate_id):
            assert isinstance(event, LeadAggregate.Event)
            if event.timestamp > as_of:
                break
            version = event.originator_version
        return version
