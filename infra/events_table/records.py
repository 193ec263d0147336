"""Stored event records exactly as the database holds them, read by global position.

The hash chain must see the bytes as stored, and a record a superuser mangled (a bad UUID, a
version that is not a number, text where bytes belong) must reach the verifier as data, not as
an exception from the library's own row mapping: so these reads bypass the recorder."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Engine, bindparam, text

from infra.events_table.dialects import of_engine_name
from infra.raw_reads import fetch_all, streamed

FIRST = -(2**63)  # below any position, forged ones included
Row = tuple[Any, ...]  # position, originator id, originator version, topic, state: as stored


@dataclass(frozen=True)
class RawEvent:
    position: int
    originator_id: object
    originator_version: object
    topic: object
    state: object

    def stored_event(self) -> StoredEvent:
        """The library's record, for decoding; raises if the row is not a well-formed one."""
        if not isinstance(self.topic, str) or not isinstance(self.state, bytes | memoryview):
            msg = f"stored event at position {self.position} has a malformed topic or state"
            raise TypeError(msg)
        version = self.originator_version
        if not isinstance(version, int) or isinstance(version, bool):
            msg = f"stored event at position {self.position} has a malformed version"
            raise TypeError(msg)
        stream = self.originator_id
        stream = stream if isinstance(stream, UUID) else UUID(str(stream))
        return StoredEvent(stream, version, self.topic, bytes(self.state))


class StoredEvents:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        dialect = of_engine_name(engine.dialect.name)
        table, position, mark = dialect.table, dialect.position, dialect.mark
        columns = f"{position}, originator_id, originator_version, topic, state"
        self._after = (
            f"SELECT {columns} FROM {table} WHERE {position} > {mark} "  # noqa: S608 (constants)
            f"ORDER BY {position} LIMIT {mark}"
        )
        self._at = text(
            f"SELECT {columns} FROM {table} WHERE {position} IN :positions "  # noqa: S608
            f"ORDER BY {position}"
        ).bindparams(bindparam("positions", expanding=True))
        self._head = text(f"SELECT max({position}) FROM {table}")  # noqa: S608
        self._all = f"SELECT {columns} FROM {table} ORDER BY {position}"  # noqa: S608
        self.uuid_bytes = dialect.postgres

    def page(self, after: int, limit: int) -> list[Row]:
        """Up to `limit` records after position `after`, in order, as plain tuples."""
        return fetch_all(self.engine, self._after, (after, limit))

    def after(self, position: int, limit: int) -> list[RawEvent]:
        return [RawEvent(*row) for row in self.page(position, limit)]

    def pages(self, after: int = FIRST, size: int = 2000) -> Iterator[list[Row]]:
        """Every record after `after`, in position order, a page at a time."""
        while rows := self.page(after, size):
            yield rows
            after = rows[-1][0]

    def chain_pages(self, size: int = 2000) -> Generator[list[Row], None, None]:
        """Every record in position order, a page at a time, from one query. With `uuid_bytes`
        the ids are a UUID's 16 bytes (what the chain hashes): `record` reads them back."""
        return streamed(self.engine, self._all, (), size, uuid_bytes=self.uuid_bytes)

    def record(self, row: Row) -> RawEvent:
        """A row of `chain_pages` as a record, as `page` would have returned it."""
        if not self.uuid_bytes:
            return RawEvent(*row)
        position, stream, version, topic, state = row
        return RawEvent(position, UUID(bytes=stream), version, topic, state)

    def stream(self, after: int = FIRST, batch: int = 2000) -> Iterator[RawEvent]:
        for rows in self.pages(after, batch):
            yield from (RawEvent(*row) for row in rows)

    def at(self, positions: Sequence[int]) -> list[RawEvent]:
        if not positions:
            return []
        with self.engine.connect() as conn:
            return [RawEvent(*row) for row in conn.execute(self._at, {"positions": positions})]

    def head(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(self._head).scalar() or 0)
