"""What every event carries, and the base event class of every aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from eventsourcing.domain import Aggregate


@dataclass(frozen=True)
class Meta:
    """Who did it and on whose behalf: recorded on every event."""

    actor: str
    client_id: str
    agency: str
    role: str
    correlation_id: str = ""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Stamp:
    """The provenance of one command: who acted, and when the service recorded it.

    `recorded_at` comes from the service's injected clock, never from the domain.
    """

    meta: Meta
    recorded_at: datetime


class LeadAggregate(Aggregate):
    """Base of every aggregate: events carry meta and business time."""

    class Event(Aggregate.Event):
        meta: Meta
        occurred_at: datetime

    class Created(Event, Aggregate.Created):
        pass

    def _emit(
        self,
        event_class: type[Aggregate.Event],
        stamp: Stamp,
        occurred_at: datetime,
        **data: object,
    ) -> None:
        self.trigger_event(
            event_class,
            timestamp=stamp.recorded_at,
            meta=stamp.meta,
            occurred_at=occurred_at,
            **data,
        )
