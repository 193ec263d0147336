"""Where a participant's events are: the participant_events projection up to its position,
and the few events after it read live from the store, so a history is complete the moment a
write has answered, without scanning the store per request."""

from __future__ import annotations

from collections.abc import Callable, Collection
from uuid import UUID

from sqlalchemy import Connection, Engine, select

from infra.events_table.records import RawEvent, StoredEvents
from projections.participant_events import (
    ParticipantEvents,
    classify,
    participant_events,
    stream_owner,
)
from projections.tables import projection_positions
from projections.touching import kind_of
from services.audit.errors import HistoryBehind

Decode = Callable[[RawEvent], object]
TAIL_LIMIT = 5000  # beyond this lag, the projector is behind: answer 503 rather than scan


class ParticipantIndex:
    def __init__(self, engine: Engine, events: StoredEvents, decode: Decode) -> None:
        self.engine = engine
        self.events = events
        self.decode = decode

    def positions(
        self,
        participant_id: UUID,
        after: int,
        limit: int,
        *,
        disclosures: bool = False,
        also: Collection[UUID] = (),
    ) -> list[int]:
        """Up to `limit` positions of the participant's events after `after`, in order;
        `also`: other records whose events count as this participant's (linked ones)."""
        table = participant_events
        wanted = {participant_id, *also}
        with self.engine.connect() as conn:
            indexed = self.indexed_to(conn)
            query = (
                select(table.c.position)
                .distinct()
                .where(table.c.participant_id.in_(wanted))
                .where(table.c.position > after, table.c.position <= indexed)
                .order_by(table.c.position)
                .limit(limit)
            )
            if disclosures:
                query = query.where(table.c.disclosure.is_(True))
            found = [int(p) for p in conn.execute(query).scalars()]
            if len(found) < limit:
                tail = self.tail(conn, wanted, max(after, indexed), disclosures)
                found += tail[: limit - len(found)]
        return found

    @staticmethod
    def indexed_to(conn: Connection) -> int:
        table = projection_positions
        position = conn.execute(
            select(table.c.position).where(table.c.name == ParticipantEvents.name)
        ).scalar()
        return int(position or 0)

    def tail(self, conn: Connection, wanted: set[UUID], after: int, disclosures: bool) -> list[int]:
        records = self.events.after(after, TAIL_LIMIT + 1)
        if len(records) > TAIL_LIMIT:
            raise HistoryBehind("the participant index is catching up; try again shortly")
        founded: dict[UUID, UUID] = {}
        found = []
        for record in records:
            if not kind_of(str(record.topic)).relevant:
                continue
            try:
                event: object = self.decode(record)
            except Exception:  # noqa: BLE001, S112 (a mangled record is the verifier's finding)
                continue
            named, disclosure, owner = classify(
                event, lambda o: founded.get(o) or stream_owner(conn, o)
            )
            if owner is not None:
                founded[getattr(event, "originator_id")] = owner  # noqa: B009
            if named & wanted and (disclosure or not disclosures):
                found.append(record.position)
        return found
