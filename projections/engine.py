"""Follows the store's global order and applies each batch to each projection, writing the
rows and the projection's position in one transaction: exactly once under crash and replay.

The position update is conditional on the position the batch started from, so a second
projector process that applied the same batch first makes this one roll back: two
projectors never both apply an event."""

from __future__ import annotations

from typing import Any, Protocol

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification
from sqlalchemy import Connection, Engine, insert, select, text, update

from infra.eventstore import LeadStore
from projections.tables import projection_positions

PROJECTOR_LEASE = 0x1EAD_0001  # advisory lock key: "LEAD projector"


class Projection(Protocol):
    name: str
    topics: frozenset[str]

    def apply(self, conn: Connection, event: Any, position: int) -> None: ...


class ProjectorRaced(Exception):
    """Raised when another projector advanced a projection during this batch."""


class Projector:
    def __init__(
        self,
        store: LeadStore,
        engine: Engine,
        projections: list[Projection],
        batch_size: int = 1000,
    ) -> None:
        self.store = store
        self.engine = engine
        self.projections = projections
        self.batch_size = batch_size

    def positions(self) -> dict[str, int]:
        with self.engine.begin() as conn:
            selected = select(projection_positions.c.name, projection_positions.c.position)
            rows: dict[str, int] = {row.name: row.position for row in conn.execute(selected)}
            for projection in self.projections:
                if projection.name not in rows:
                    conn.execute(
                        insert(projection_positions).values(name=projection.name, position=0)
                    )
                    rows[projection.name] = 0
        return {p.name: rows[p.name] for p in self.projections}

    def run_batch(self) -> int:
        """Apply the next batch; the number of notifications read (0 when caught up)."""
        positions = self.positions()
        start = min(positions.values(), default=0)
        notifications = self.store.recorder.select_notifications(
            start=start, limit=self.batch_size, inclusive_of_start=False
        )
        if not notifications:
            return 0
        with self.engine.begin() as conn:
            if not self.holds_lease(conn):
                return 0
            for projection in self.projections:
                self.apply_batch(conn, projection, positions[projection.name], notifications)
        return len(notifications)

    def apply_batch(
        self,
        conn: Connection,
        projection: Projection,
        old: int,
        notifications: list[Notification] | Any,
    ) -> None:
        last = old
        for notification in notifications:
            if notification.id <= old:
                continue
            last = notification.id
            if notification.topic in projection.topics:
                projection.apply(conn, self.decode(notification), notification.id)
        if last == old:
            return
        moved = conn.execute(
            update(projection_positions)
            .where(
                projection_positions.c.name == projection.name,
                projection_positions.c.position == old,
            )
            .values(position=last)
        )
        if moved.rowcount != 1:
            raise ProjectorRaced(projection.name)

    @staticmethod
    def holds_lease(conn: Connection) -> bool:
        """One projector applies at a time: on PostgreSQL a transaction-scoped advisory lock
        (released at commit, so a killed process never leaves it held); SQLite's single
        writer lock does the same. The conditional position update stays the real guard."""
        if conn.dialect.name != "postgresql":
            return True
        return bool(
            conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PROJECTOR_LEASE}
            ).scalar()
        )

    def decode(self, notification: Notification) -> DomainEventProtocol[Any]:
        return self.store.mapper.to_domain_event(notification)

    def run_until_caught_up(self) -> int:
        applied = 0
        while (count := self.run_batch()) > 0:
            applied += count
        return applied
