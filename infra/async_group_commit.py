"""Group commit on the event loop (PostgreSQL): the saves of concurrent requests appended in
one transaction by one psycopg async connection, with no thread between the request and the
database.

The semantics are those of `infra/group_commit.py`, which the library's saves keep using:
one transaction per batch under the events table's EXCLUSIVE lock (so commit order is
notification-id order, and the async writer and the library's writers queue on the same lock),
each save all-or-nothing, a save that would write an event already stored (or written by an
earlier save of the batch) left out and failed alone as a conflict.

A save also names what it was decided on (`expected`: an aggregate id and the version it was
read at, 0 for absent). The check runs inside the locked transaction, where no other writer
can move a stream, so a save decided on a stale copy or on a claim that has since been
written is left out and fails as a conflict, exactly as a save that read the store first and
then lost a race. A batch that fails as a whole fails each of its saves with `BatchFailed`:
their callers take the library's path, which decides again from a fresh load."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import AsyncClientCursor, AsyncConnection
from psycopg.pq import ExecStatus

from infra.group_commit import MAX_BATCH, Key, as_uuid, locked_batch

# As infra/group_commit.py's BATCH_INSERT, with the saves' expectations checked too: a save
# whose expected version of a stream is not the stream's stored version is left out.
# The states travel as one bytea and their lengths: quoting an array of bytea cost ~70 µs
# of Python per referral, one value ~15.
EXPECTING_INSERT = """
WITH sent AS (
    SELECT * FROM unnest(%s::int4[], %s::{id_type}[], %s::int8[], %s::text[], %s::int4[])
        WITH ORDINALITY AS b(save, originator_id, originator_version, topic, length, ordinal)
), batch AS (
    SELECT save, originator_id, originator_version, topic, ordinal, substring(
        %s::bytea FROM (sum(length) OVER (ORDER BY ordinal) - length + 1)::int4 FOR length
    ) AS state FROM sent
), expected AS (
    SELECT * FROM unnest(%s::int4[], %s::{id_type}[], %s::int8[])
        AS e(save, originator_id, originator_version)
), refused AS (  -- LATERAL: a primary-key probe per event, never a scan of the table
    SELECT batch.save FROM batch CROSS JOIN LATERAL (
        SELECT 1 FROM {schema}.{table} AS stored
        WHERE stored.originator_id = batch.originator_id
            AND stored.originator_version = batch.originator_version
    ) AS taken
    UNION
    SELECT expected.save FROM expected
    WHERE expected.originator_version <> COALESCE((
        SELECT max(stored.originator_version) FROM {schema}.{table} AS stored
        WHERE stored.originator_id = expected.originator_id
    ), 0)
)
INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)
SELECT originator_id, originator_version, topic, state FROM batch
WHERE save NOT IN (SELECT save FROM refused)
ORDER BY ordinal
RETURNING originator_id, originator_version, notification_id
"""


class BatchFailed(Exception):
    """The transaction of a batch failed as a whole (the connection, the server): whether
    this save was written is decided again by the library's path."""


@dataclass
class AsyncSave:
    events: Sequence[StoredEvent]
    expected: Mapping[UUID, int]
    done: asyncio.Future[list[int]]
    keys: list[Key] = field(init=False)

    def __post_init__(self) -> None:
        self.keys = [(as_uuid(e.originator_id), int(e.originator_version)) for e in self.events]


class AsyncGroupCommit:
    """Appends saves from the running event loop. One connection and one writer task per
    loop: a save arriving while a batch is written waits for the next one."""

    def __init__(self, recorder: PostgresApplicationRecorder, conninfo: dict[str, Any]) -> None:
        self.conninfo = conninfo
        self.transaction = locked_batch(recorder, EXPECTING_INSERT)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.connection: AsyncConnection[Any] | None = None
        self.waiting: list[AsyncSave] = []
        self.writer: asyncio.Task[None] | None = None

    async def append(
        self, events: Sequence[StoredEvent], expected: Mapping[UUID, int]
    ) -> list[int]:
        """The notification ids of the events, once committed; IntegrityError when the save
        conflicts (with a stored event, an earlier save of its batch or an expectation)."""
        loop = asyncio.get_running_loop()
        if loop is not self.loop:  # a new loop (tests start one per test): its own connection
            self.loop, self.connection, self.waiting, self.writer = loop, None, [], None
        save = AsyncSave(events, expected, loop.create_future())
        self.waiting.append(save)
        if self.writer is None or self.writer.done():
            self.writer = loop.create_task(self.write_batches())
        return await save.done

    async def write_batches(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            try:
                written = await self.commit(refuse_overlaps(batch))
            except BaseException as failed:  # each caller decides again; none is left waiting
                for save in batch:
                    if not save.done.done():
                        save.done.set_exception(BatchFailed(type(failed).__name__))
                await self.discard_connection()
                if not isinstance(failed, Exception):
                    raise
                continue
            for save in batch:
                if save.done.done():
                    continue
                if all(key in written for key in save.keys):
                    save.done.set_result([written[key] for key in save.keys])
                else:
                    save.done.set_exception(IntegrityError("a save conflicted with the store"))

    async def commit(self, chosen: list[tuple[int, AsyncSave]]) -> dict[Key, int]:
        if not chosen:
            return {}
        saves, ids, versions, topics, lengths, states = [], [], [], [], [], []
        expected: tuple[list[Any], ...] = ([], [], [])
        for number, save in chosen:
            for (aggregate_id, version), e in zip(save.keys, save.events, strict=True):
                saves.append(number)
                ids.append(aggregate_id)
                versions.append(version)
                topics.append(e.topic)
                lengths.append(len(e.state))
                states.append(e.state)
            for aggregate_id, version in save.expected.items():
                row = (number, as_uuid(aggregate_id), int(version))
                for column, value in zip(expected, row, strict=True):
                    column.append(value)
        columns: list[list[Any]] = [saves, ids, versions, quoted(topics), lengths]
        values = (
            *map(array_literal, columns),
            b"".join(states),  # in EXPECTING_INSERT's order: the states after the columns
            *map(array_literal, expected),
        )
        connection = await self.connected()
        cursor = AsyncClientCursor(connection)
        await cursor.execute(self.transaction, values)
        while cursor.pgresult is None or cursor.pgresult.status != ExecStatus.TUPLES_OK:
            if not cursor.nextset():
                msg = "the batch insert returned no rows"
                raise RuntimeError(msg)
        rows = await cursor.fetchall()
        return {(as_uuid(r[0]), int(r[1])): int(r[2]) for r in rows}

    async def connected(self) -> AsyncConnection[Any]:
        if self.connection is None or self.connection.closed:
            self.connection = await AsyncConnection.connect(**self.conninfo, autocommit=True)
        return self.connection

    def close(self) -> None:
        """From outside the loop (the store closing): the socket goes, whatever the loop."""
        connection, self.connection = self.connection, None
        if connection is not None and not connection.closed:
            connection.pgconn.finish()

    async def discard_connection(self) -> None:
        """After a failed batch the connection may be mid-transaction: a fresh one is used."""
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()


def array_literal(items: Iterable[object]) -> str:
    """A PostgreSQL array literal of ints, UUIDs or `quoted` texts, sent as one text value:
    psycopg's array dumper tests every element for quoting (~1 µs each), and that was half
    of a batch's client-side query building. Nothing here comes from a client: ids and
    versions are typed above, topics are quoted."""
    return "{" + ",".join(map(str, items)) + "}"


def quoted(texts: list[str]) -> list[str]:
    return [quoted_text(text) for text in texts]


@lru_cache(maxsize=1024)  # topics: one per event class
def quoted_text(text: str) -> str:
    """An array element that is this text whatever it holds (never NULL, never split)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def refuse_overlaps(batch: list[AsyncSave]) -> list[tuple[int, AsyncSave]]:
    """The saves (numbered) that neither write an event an earlier save in the batch writes
    nor expect a stream an earlier save writes; the others fail as conflicts."""
    written: set[UUID] = set()
    taken: set[Key] = set()
    chosen = []
    for number, save in enumerate(batch):
        keys = set(save.keys)
        if keys & taken or len(keys) < len(save.events) or written & save.expected.keys():
            if not save.done.done():  # done: its caller has gone
                save.done.set_exception(IntegrityError("a save conflicted with a concurrent save"))
            continue
        taken |= keys
        written |= {aggregate_id for aggregate_id, _ in keys}
        chosen.append((number, save))
    return chosen
