"""Events of several aggregates, each after a version, read in one round trip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from psycopg.sql import SQL, Identifier

from infra.eventstore import LeadStore
from infra.group_commit import rendered

# LATERAL: each aggregate is looked up through the primary key whatever the plan. As a plain
# join, the cached generic plan of the prepared statement hash-joined a sequential scan of the
# whole table (0.7 ms at 3,000 events, growing with the store).
EVENTS_AFTER = """
SELECT stored.originator_id, stored.originator_version, stored.topic, stored.state
FROM unnest(%b::{id_type}[], %b::int8[]) AS wanted(originator_id, after)
CROSS JOIN LATERAL (
    SELECT * FROM {table} AS events
    WHERE events.originator_id = wanted.originator_id AND events.originator_version > wanted.after
    ORDER BY events.originator_version
) AS stored
ORDER BY stored.originator_id, stored.originator_version
"""


class EventReads:
    def __init__(self, store: LeadStore) -> None:
        self.store = store
        recorder: Any = store.recorder
        self.datastore = recorder.datastore
        self.statement: SQL | None = None
        if store.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            self.statement = rendered(
                SQL(EVENTS_AFTER).format(
                    id_type=Identifier(self.datastore.originator_id_type),
                    table=Identifier(self.datastore.schema, recorder.events_table_name),
                )
            )

    def after(self, versions: Mapping[UUID, int]) -> dict[UUID, list[Any]]:
        """The domain events of each aggregate after the given version (0: all), oldest
        first; an aggregate with none is left out."""
        if not versions:
            return {}
        if self.statement is None:  # embedded SQLite: a query costs no network round trip
            found = {i: list(self.store.events.get(i, gt=v or None)) for i, v in versions.items()}
            return {i: events for i, events in found.items() if events}
        params = (list(versions), list(versions.values()))
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(self.statement, params, prepare=True)
            rows = cursor.fetchall()
        events: dict[UUID, list[Any]] = {}
        for row in rows:
            stored = StoredEvent(
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
            events.setdefault(row["originator_id"], []).append(
                self.store.mapper.to_domain_event(stored)
            )
        return events
