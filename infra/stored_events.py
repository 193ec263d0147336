"""Stored event records exactly as the database holds them, read by global position.

The hash chain must see the bytes as stored, and a record a superuser mangled (a bad UUID, a
version that is not a number, text where bytes belong) must reach the verifier as data, not as
an exception from the library's own row mapping: so these reads bypass the recorder."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Engine, bindparam, text

from infra.eventstore import POSTGRES_EVENTS_TABLE, SQLITE_EVENTS_TABLE

FIRST = -(2**63)  # below any position, forged ones included


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
        postgres = engine.dialect.name == "postgresql"
        table = POSTGRES_EVENTS_TABLE if postgres else SQLITE_EVENTS_TABLE
        position = "notification_id" if postgres else "rowid"
        columns = f"{position}, originator_id, originator_version, topic, state"
        mark = "%s" if postgres else "?"
        # Plain DB-API for the bulk read: half the cost per row of SQLAlchemy's result rows.
        self._after = (
            f"SELECT {columns} FROM {table} WHERE {position} > {mark} "  # noqa: S608 (constants)
            f"ORDER BY {position} LIMIT {mark}"
        )
        self._at = text(
            f"SELECT {columns} FROM {table} WHERE {position} IN :positions "  # noqa: S608
            f"ORDER BY {position}"
        ).bindparams(bindparam("positions", expanding=True))
        self._head = text(f"SELECT max({position}) FROM {table}")  # noqa: S608

    def after(self, position: int, limit: int) -> list[RawEvent]:
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self._after, (position, limit))
            rows = cursor.fetchall()
            cursor.close()
        finally:
            connection.close()
        return [RawEvent(*row) for row in rows]

    def stream(self, after: int = FIRST, batch: int = 2000) -> Iterator[RawEvent]:
        """Every record after `after`, in position order, read a batch at a time."""
        while records := self.after(after, batch):
            yield from records
            after = records[-1].position

    def at(self, positions: Sequence[int]) -> list[RawEvent]:
        if not positions:
            return []
        with self.engine.connect() as conn:
            return [RawEvent(*row) for row in conn.execute(self._at, {"positions": positions})]

    def head(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(self._head).scalar() or 0)
