"""Group commit: the saves of concurrent requests written in one transaction.

Every insert takes the events table's EXCLUSIVE lock (so commit order is notification-id order,
see MEASURED.md), and holds it for a round trip, a commit and an fsync: one save at a time per
site. Here one thread per process writes whatever saves are waiting, all in one transaction
under one lock and one fsync, and each waiting request returns only once that transaction has
committed. Saves are still all-or-nothing each: a save that would conflict (with a stored
event, or with an earlier save in the same batch) is left out of the insert and fails alone
with the IntegrityError the library would have raised, so its caller retries as before and
the others commit. If a whole batch fails, each of its saves is retried alone the library's
way, so the outcome (and the error) is what it would have been without batching."""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import ClientCursor
from psycopg.pq import ExecStatus
from psycopg.sql import SQL, Identifier

MAX_BATCH = 200
IDLE_SECONDS = 5.0
Key = tuple[UUID, int]

# Saves that conflict with a stored event are left out: the EXCLUSIVE lock keeps every other
# writer out between this check and the insert. ORDER BY keeps notification ids in save order.
BATCH_INSERT = """
WITH batch AS (
    SELECT * FROM unnest(%s::int4[], %s::{id_type}[], %s::int8[], %s::text[], %s::bytea[])
        WITH ORDINALITY AS b(save, originator_id, originator_version, topic, state, ordinal)
), refused AS (  -- LATERAL: a primary-key probe per event, never a scan of the table
    SELECT DISTINCT batch.save FROM batch CROSS JOIN LATERAL (
        SELECT 1 FROM {schema}.{table} AS stored
        WHERE stored.originator_id = batch.originator_id
            AND stored.originator_version = batch.originator_version
    ) AS taken
)
INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)
SELECT originator_id, originator_version, topic, state FROM batch
WHERE save NOT IN (SELECT save FROM refused)
ORDER BY ordinal
RETURNING originator_id, originator_version, notification_id
"""


@dataclass
class PendingSave:
    events: Sequence[StoredEvent]
    done: threading.Event = field(default_factory=threading.Event)
    ids: list[int] | None = None
    error: Exception | None = None
    alone: bool = False  # the batch failed: write this save by itself

    @property
    def keys(self) -> list[Key]:
        return [(as_uuid(e.originator_id), e.originator_version) for e in self.events]


class GroupCommitRecorder(PostgresApplicationRecorder):
    """The library's recorder, with plain saves (no tracking) batched by one writer thread."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        # One round trip for the whole transaction: the lock is held for it and the fsync.
        # Rendered once: composing identifiers again on every batch cost more than the rest.
        self.transaction = locked_batch(self, BATCH_INSERT)
        self.waiting: queue.SimpleQueue[PendingSave] = queue.SimpleQueue()
        self.writer_lock = threading.Lock()
        self.writer_running = False

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if any(value is not None for value in kwargs.values()) or not stored_events:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        pending = PendingSave(stored_events)
        with self.writer_lock:
            self.waiting.put(pending)
            if not self.writer_running:
                self.writer_running = True
                writer = threading.Thread(target=self.write_batches, name="group-commit")
                writer.daemon = True
                writer.start()
        pending.done.wait()
        if pending.alone:
            alone: Sequence[int] | None = super().insert_events(stored_events)
            return alone
        if pending.error is not None:
            raise pending.error
        return pending.ids

    def write_batches(self) -> None:
        try:
            while (batch := self.next_batch()) is not None:
                self.write(batch)
        except BaseException:  # should the thread die, the next save starts another
            with self.writer_lock:
                self.writer_running = False
            raise

    def next_batch(self) -> list[PendingSave] | None:
        """What is waiting now (no waiting for more: saves arriving during a write are the next
        batch); None after an idle spell, when the thread ends (a new save starts another)."""
        try:
            first = self.waiting.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with self.writer_lock:
                if self.waiting.empty():
                    self.writer_running = False
                    return None
            first = self.waiting.get()
        batch = [first]
        while len(batch) < MAX_BATCH:
            try:
                batch.append(self.waiting.get_nowait())
            except queue.Empty:
                break
        return batch

    def write(self, batch: list[PendingSave]) -> None:
        try:
            chosen = refuse_overlaps(batch)
            if chosen:
                self.commit(chosen)
        except Exception:  # noqa: BLE001 (each save is retried alone; its own error surfaces there)
            for pending in batch:
                if pending.error is None:
                    pending.alone = True
        finally:
            for pending in batch:
                pending.done.set()

    def commit(self, chosen: list[PendingSave]) -> None:
        columns: tuple[list[Any], ...] = ([], [], [], [], [])
        for number, pending in enumerate(chosen):
            for e in pending.events:
                row = (number, e.originator_id, e.originator_version, e.topic, e.state)
                for column, value in zip(columns, row, strict=True):
                    column.append(value)
        with self.datastore.get_connection() as conn:  # autocommit: the text has BEGIN, COMMIT
            try:
                cursor = ClientCursor(conn)
                cursor.execute(self.transaction, columns)
                rows = returned_rows(cursor)
            except BaseException:
                conn.rollback()
                raise
        written = {(as_uuid(r["originator_id"]), r["originator_version"]): r for r in rows}
        for pending in chosen:
            keys = pending.keys
            if all(key in written for key in keys):
                pending.ids = [written[key]["notification_id"] for key in keys]
            else:
                pending.error = IntegrityError("a save conflicted with a stored event")


def as_uuid(value: Any) -> UUID:
    """A stored or returned id as a UUID (the library may hand either), parsed only if not."""
    return value if type(value) is UUID else UUID(str(value))


def locked_batch(recorder: PostgresApplicationRecorder, insert: str) -> SQL:
    """One batch's whole transaction, sent in one round trip: the lock is held for it and
    the fsync. Rendered once: composing identifiers again on every batch cost more than the
    rest. `insert` is a batch insert with `{id_type}`, `{schema}` and `{table}` to fill."""
    datastore = recorder.datastore
    statement = SQL(";").join(
        [
            SQL("BEGIN"),
            *recorder.lock_table_statements,
            SQL("NOTIFY {0}").format(Identifier(recorder.channel_name)),
            SQL(insert).format(
                id_type=Identifier(datastore.originator_id_type),
                schema=Identifier(datastore.schema),
                table=Identifier(recorder.events_table_name),
            ),
            SQL("COMMIT"),
        ]
    )
    return SQL(statement.as_string())


def returned_rows(cursor: ClientCursor[Any]) -> list[Any]:
    """The RETURNING rows among the results of the statements sent together."""
    while cursor.pgresult is None or cursor.pgresult.status != ExecStatus.TUPLES_OK:
        if not cursor.nextset():
            msg = "the batch insert returned no rows"
            raise RuntimeError(msg)
    return cursor.fetchall()


def refuse_overlaps(batch: list[PendingSave]) -> list[PendingSave]:
    """The saves that do not write an event an earlier save in the batch writes; the others
    fail as a conflict would (their callers retry from a fresh load)."""
    taken: set[Key] = set()
    chosen = []
    for pending in batch:
        keys = set(pending.keys)
        if keys & taken or len(keys) < len(pending.events):
            pending.error = IntegrityError("a save conflicted with a concurrent save")
            continue
        taken |= keys
        chosen.append(pending)
    return chosen
