"""A store for one writer that owns the database, such as `leadctl seed`: saves are held in
memory and written in large transactions. Never for the service: other processes would not
see held events, and a crash loses them (whole saves only: a flush never splits one)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

from infra.eventstore import STORE_NAME, LeadStore, snapshot_of
from infra.observability import EVENTS_WRITTEN

FLUSH_AT = 5_000  # events; about 0.2 s per flush on PostgreSQL
HOLD_AT_MOST = 50_000  # aggregates kept in memory after a flush; beyond that they are dropped


class HeldFirstRepository(Repository[UUID]):
    """The library's repository, except that an aggregate saved into the write-behind store
    comes from memory, the very object (the writer is alone, and a copy per command would
    cost more than the database round trip it saves)."""

    def __init__(self, store: WriteBehindStore) -> None:
        super().__init__(event_store=store.events, snapshot_store=store.snapshots)
        self.write_behind = store

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        held = self.write_behind.held.get(aggregate_id)
        if held is not None:
            # Events nobody saved mean a command failed half-way: its changes must not count.
            if held.pending_events or (version is not None and version < held.version):
                self.write_behind.flush()
                del self.write_behind.held[aggregate_id]
            else:
                return held
        return super().get(aggregate_id, version=version, **kwargs)


class WriteBehindStore(LeadStore):
    name = STORE_NAME  # the library names tables after each class: this one shares LeadStore's

    def __init__(self, env: dict[str, str]) -> None:
        self.held: dict[UUID, Any] = {}
        self.pending: list[Any] = []
        self.due_snapshot: dict[UUID, Any] = {}
        self.stored_head = 0
        super().__init__(env=env)

    def construct_repository(self) -> Repository[UUID]:
        return HeldFirstRepository(self)

    def save(self, *objs: Any, **kwargs: Any) -> list[Any]:
        """Events keep the order in which they were saved, as one save of them all would."""
        if kwargs:
            raise TypeError(f"the write-behind store keeps no {sorted(kwargs)} with events")
        for aggregate in objs:
            if aggregate is None:
                continue
            events = aggregate.collect_events()
            self.pending.extend(events)
            self.held[aggregate.id] = aggregate
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval and any(e.originator_version % interval == 0 for e in events):
                self.due_snapshot[aggregate.id] = aggregate
        if len(self.pending) >= FLUSH_AT:
            self.flush()
        return []

    def position_after(self, recordings: list[Any]) -> int:  # noqa: ARG002 (always empty)
        """Held events have no position until flushed; the sole writer never waits on one."""
        return self.stored_head

    def flush(self) -> int:
        """Write every held event in one transaction, then the snapshots that fell due."""
        written = len(self.pending)
        if self.pending:
            recordings = self.events.put(self.pending)
            self.stored_head = max(r.notification.id for r in recordings)
            EVENTS_WRITTEN.inc(written)
        if self.due_snapshot and self.snapshots is not None:
            self.snapshots.put([snapshot_of(a) for a in self.due_snapshot.values()])
        self.pending, self.due_snapshot = [], {}
        if len(self.held) > HOLD_AT_MOST:
            self.held.clear()
        return written

    def close(self) -> None:
        self.flush()
        super().close()
