"""Follows the store's global order and applies each batch to each projection, writing the
rows and the projection's position in one transaction: exactly once under crash and replay.

The position update is conditional on the position the batch started from, so a second
projector process that applied the same batch first makes this one roll back: two
projectors never both apply an event."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from eventsourcing.persistence import Mapper, StoredEvent
from sqlalchemy import Connection, Engine, Table, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from infra.events_table.log import Stored
from infra.eventstore import LeadStore
from infra.sealing import SealingMapper
from infra.sql_locks import take_sqlite_writer_lock
from projections.quarantine import TRANSIENT, Quarantine
from projections.tables import projection_positions

PROJECTOR_LEASE = 0x1EAD_0001  # advisory lock key: "LEAD projector"

Item = tuple[int, Any]  # (global position, domain event)


class Projection(Protocol):
    name: str
    topics: frozenset[str]

    def apply(self, conn: Connection, event: Any, position: int) -> None: ...


class BatchProjection(ABC):
    """A projection that folds a whole batch in memory and writes each table once per batch
    (one SELECT … IN for the rows it touches, one executemany upsert): statements per batch,
    not per event, which is what makes rebuilds of millions of events fast."""

    name: str
    topics: frozenset[str]
    tables: tuple[Table, ...]

    def apply(self, conn: Connection, event: Any, position: int) -> None:
        self.apply_batch(conn, [(position, event)])

    @abstractmethod
    def apply_batch(self, conn: Connection, items: list[Item]) -> None: ...


def apply_items(conn: Connection, projection: Projection, items: list[Item]) -> None:
    """The projection's batch handler when it has one, else its handler per event."""
    batched = getattr(projection, "apply_batch", None)
    if batched is not None:
        if items:
            batched(conn, items)
        return
    for position, event in items:
        projection.apply(conn, event, position)


@dataclass(frozen=True)
class Undecodable:
    """A stored event the mapper could not decode (its topic, and why)."""

    topic: str
    error: Exception


class SetsAside(Protocol):
    def record(
        self, conn: Connection, projection: str, position: int, event: Any, exc: Exception
    ) -> None: ...


def apply_guarded(
    conn: Connection, projection: Projection, items: list[Item], quarantine: SetsAside
) -> None:
    """Apply the items; an event the projection cannot apply (its handler or its SQL raising,
    or the event not decoding) is set aside in the quarantine and the rest are applied: one
    savepoint for the batch, and only when it fails, one per event. The store failing is no
    event's fault: that raises."""
    for position, event in items:
        if isinstance(event, Undecodable):
            quarantine.record(conn, projection.name, position, event, event.error)
    items = [item for item in items if not isinstance(item[1], Undecodable)]
    if not items:
        return
    try:
        with conn.begin_nested():
            apply_items(conn, projection, items)
    except TRANSIENT:
        raise
    except Exception:  # noqa: BLE001 (which event? each alone says)
        for position, event in items:
            try:
                with conn.begin_nested():
                    apply_items(conn, projection, [(position, event)])
            except TRANSIENT:
                raise
            except Exception as exc:  # noqa: BLE001 (set aside, never retried in a loop)
                quarantine.record(conn, projection.name, position, event, exc)


class Decoder:
    """Decodes each notification of a batch at most once, and only those some projection
    wants. One that cannot be decoded becomes `Undecodable`, for the quarantine."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        self.decoded: dict[int, Any] = {}

    def items(
        self, notifications: Sequence[Stored], topics: frozenset[str], after: int = 0
    ) -> list[Item]:
        chosen = []
        for notification in notifications:
            if notification.id > after and notification.topic in topics:
                event = self.decoded.get(notification.id)
                if event is None:
                    event = self.decoded[notification.id] = self.decode(notification)
                chosen.append((notification.id, event))
        return chosen

    def prefetch_keys(self, notifications: Sequence[Stored], topics: frozenset[str]) -> None:
        """The data keys of the events some projection will decode, in one query."""
        if isinstance(self.mapper, SealingMapper):
            wanted = [n for n in notifications if n.topic in topics]
            self.mapper.prefetch_keys(cast(list[StoredEvent], wanted))

    def decode(self, notification: Stored) -> Any:
        stored = cast(StoredEvent, notification)  # what the mapper reads of one
        try:
            return self.mapper.to_domain_event(stored)
        except Exception as exc:  # noqa: BLE001 (set aside by every projection that wants it)
            return Undecodable(notification.topic, exc)


class ProjectorRaced(Exception):
    """Raised when another projector advanced a projection during this batch."""


class Projector:
    def __init__(
        self,
        store: LeadStore,
        engine: Engine,
        projections: list[Projection],
        batch_size: int = 1000,
        quarantine: Quarantine | None = None,
    ) -> None:
        self.store = store
        self.engine = engine
        self.projections = projections
        self.topics = frozenset().union(*(p.topics for p in projections))
        self.batch_size = batch_size
        self.quarantine = quarantine or Quarantine(engine)

    def only(self, *names: str) -> Projector:
        """A projector for some of the projections (the deadline worker needs one)."""
        chosen = [p for p in self.projections if p.name in names]
        return Projector(self.store, self.engine, chosen, self.batch_size, self.quarantine)

    def positions(self) -> dict[str, int]:
        with self.engine.begin() as conn:
            take_sqlite_writer_lock(conn)
            selected = select(projection_positions.c.name, projection_positions.c.position)
            rows: dict[str, int] = {row.name: row.position for row in conn.execute(selected)}
            for projection in self.projections:
                if projection.name not in rows:
                    # A projector starting at the same moment may insert it first: if it
                    # also moves it first, the conditional position update catches that.
                    conn.execute(
                        _insert(conn)(projection_positions)
                        .values(name=projection.name, position=0)
                        .on_conflict_do_nothing(index_elements=["name"])
                    )
                    rows[projection.name] = 0
        return {p.name: rows[p.name] for p in self.projections}

    def run_batch(self) -> int:
        """Apply the next batch; the number of notifications read (0 when caught up)."""
        positions = self.positions()
        start = min(positions.values(), default=0)
        notifications = self.store.table.notifications(start, self.batch_size)
        if not notifications:
            return 0
        decoder = Decoder(self.store.mapper)
        decoder.prefetch_keys(notifications, self.topics)
        with self.engine.begin() as conn:
            if not self.holds_lease(conn):
                return 0
            for projection in self.projections:
                old = positions[projection.name]
                items = decoder.items(notifications, projection.topics, after=old)
                self.apply_batch(conn, projection, old, notifications[-1].id, items)
        return len(notifications)

    def apply_batch(
        self, conn: Connection, projection: Projection, old: int, last: int, items: list[Item]
    ) -> None:
        """Claim the batch first: the conditional position update locks the projection's row
        (a second projector waits on it, then finds it moved and applies nothing), so rows
        are only ever written by the transaction that advances the position."""
        if last <= old:
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
        apply_guarded(conn, projection, items, self.quarantine)

    @staticmethod
    def holds_lease(conn: Connection) -> bool:
        """One projector applies at a time: on PostgreSQL a transaction-scoped advisory lock
        (released at commit, so a killed process never leaves it held); SQLite's single
        writer lock, taken up front, does the same. The conditional position update stays the
        real guard."""
        if conn.dialect.name != "postgresql":
            take_sqlite_writer_lock(conn)
            return True
        return bool(
            conn.execute(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": PROJECTOR_LEASE}
            ).scalar()
        )

    def run_until_caught_up(self) -> int:
        """A batch another projector applied first rolled back here; carry on from where
        that one got to (the next batch re-reads the positions)."""
        applied = 0
        while True:
            try:
                count = self.run_batch()
            except ProjectorRaced:
                continue
            if count == 0:
                return applied
            applied += count


def _insert(conn: Connection) -> Any:
    return pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
