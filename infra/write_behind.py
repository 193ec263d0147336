"""A store for one writer that owns the database, such as `leadctl seed`: saves are held in
memory and written in large transactions. Never for the service: other processes would not
see held events, and a crash loses them (whole saves only: a flush never splits one)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from uuid import UUID

from eventsourcing.application import Repository

from infra.eventstore import STORE_NAME, LeadStore, snapshot_of
from infra.keyring import Keyring
from infra.observability import EVENTS_WRITTEN

FLUSH_AT = 5_000  # events; about 0.2 s per flush on PostgreSQL
HOLD_AT_MOST = 100_000  # aggregates kept in memory after a flush, the most recently used


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
                self.write_behind.held.move_to_end(aggregate_id)
                return held
        aggregate = super().get(aggregate_id, version=version, **kwargs)
        if version is None:
            self.write_behind.held[aggregate_id] = aggregate
        return aggregate


class WriteBehindStore(LeadStore):
    name = STORE_NAME  # the library names tables after each class: this one shares LeadStore's
    writes_behind = True

    def __init__(
        self,
        env: dict[str, str],
        hold_at_most: int = HOLD_AT_MOST,
        keyring: Keyring | None = None,
    ) -> None:
        self.hold_at_most = hold_at_most
        self.held: OrderedDict[UUID, Any] = OrderedDict()  # least recently used first
        self.pending: list[Any] = []
        self.due_snapshot: set[UUID] = set()
        self.stored_head = 0
        super().__init__(env=env, keyring=keyring)

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
            self.held.move_to_end(aggregate.id)
            interval = self.snapshotting_intervals.get(type(aggregate))
            if interval and any(e.originator_version % interval == 0 for e in events):
                self.due_snapshot.add(aggregate.id)
        if len(self.pending) >= FLUSH_AT:
            self.flush()
        return []

    def position_after(self, recordings: list[Any]) -> int:  # noqa: ARG002 (always empty)
        """Held events have no position until flushed; the sole writer never waits on one."""
        return self.stored_head

    def flush(self, final: bool = False) -> int:
        """Write every held event in one transaction. A snapshot that fell due is taken when
        its aggregate leaves memory, or at the final flush: an aggregate held throughout
        (the caseload roster, megabytes at 100x) would otherwise be written at every flush."""
        written = len(self.pending)
        if self.pending:
            recordings = self.events.put(self.pending)
            self.stored_head = max(r.notification.id for r in recordings)
            EVENTS_WRITTEN.inc(written)
        self.pending = []
        leaving = []
        while len(self.held) > self.hold_at_most:  # every held event is stored now: safe to drop
            leaving.append(self.held.popitem(last=False)[1])
        if final:
            leaving += list(self.held.values())
        self.take_due_snapshots(leaving)
        return written

    def take_due_snapshots(self, aggregates: list[Any]) -> None:
        due = [a for a in aggregates if a.id in self.due_snapshot]
        if due and self.snapshots is not None:
            self.snapshots.put([snapshot_of(a) for a in due])
        self.due_snapshot.difference_update(a.id for a in due)

    def close(self) -> None:
        self.flush(final=True)
        super().close()
