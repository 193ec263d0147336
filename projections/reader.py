"""Reading the store's global order fast, for the projector and for rebuilds.

On PostgreSQL the notifications are fetched as binary tuples on the recorder's own pool
(the library's reader builds a dict and a frozen dataclass per row: several times slower);
SQLite goes through the recorder. Decoding is the library mapper's, a third cheaper."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, Protocol, cast
from uuid import UUID, SafeUUID

from eventsourcing.persistence import (
    JSONTranscoder,
    StoredEvent,
    Transcoding,
    find_id_convertor,
)
from eventsourcing.utils import resolve_topic
from psycopg.rows import tuple_row

from infra.eventstore import LeadStore


class Stored(Protocol):
    """What a notification carries, whichever reader produced it."""

    @property
    def id(self) -> int: ...
    @property
    def originator_id(self) -> UUID | str: ...
    @property
    def originator_version(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def state(self) -> bytes: ...


SELECT = "SELECT notification_id, originator_id, originator_version, topic, state FROM"


class WantsTopics(Protocol):
    @property
    def topics(self) -> frozenset[str]: ...


class Record(NamedTuple):
    id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


class NotificationReader:
    def __init__(self, store: LeadStore) -> None:
        self.store = store
        self.postgres = store.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres"

    def read(self, after: int, limit: int, topics: Sequence[str] = ()) -> Sequence[Stored]:
        """Notifications with positions above `after`, in position order, at most `limit`."""
        if not self.postgres:
            return self.store.recorder.select_notifications(
                start=after, limit=limit, topics=tuple(topics), inclusive_of_start=False
            )
        where = "notification_id > %s" + (" AND topic = ANY(%s)" if topics else "")
        sql = f"{SELECT} {self.store.events_table} WHERE {where} ORDER BY notification_id LIMIT %s"
        params: tuple[Any, ...] = (after, list(topics), limit) if topics else (after, limit)
        recorder: Any = self.store.recorder
        with (
            recorder.datastore.get_connection() as conn,
            conn.cursor(binary=True, row_factory=tuple_row) as cursor,
        ):
            cursor.execute(sql, params)
            return [Record._make(row) for row in cursor.fetchall()]


def topic_counts(store: LeadStore) -> dict[str, int]:
    """How many stored events each topic has (what a rebuild of a projection must read)."""
    sql = f"SELECT topic, count(*) FROM {store.events_table} GROUP BY topic"  # noqa: S608
    recorder: Any = store.recorder
    if store.env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        with recorder.datastore.get_connection() as conn:
            rows = conn.cursor(row_factory=tuple_row).execute(sql).fetchall()
    else:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
    return {str(topic): int(count) for topic, count in rows}


class EventDecoder:
    """`Mapper.to_domain_event`, with the transcoder's object hook made cheaper for the two
    things every event holds many of: value dataclasses and UUIDs. Values come out equal to
    the library's; anything unusual (other transcodings, missing fields, a cipher or
    compressor) takes the library's own path."""

    def __init__(self, store: LeadStore) -> None:
        self.mapper = store.mapper
        transcoder = self.mapper.transcoder
        self.fast = (
            isinstance(transcoder, JSONTranscoder)
            and self.mapper.cipher is None
            and self.mapper.compressor is None
        )
        names = transcoder.names if isinstance(transcoder, JSONTranscoder) else {}
        self.decoders = {name: fast_decoder(t) for name, t in names.items()}
        self.json = json.JSONDecoder(object_hook=self.hook)

    def hook(self, value: dict[str, Any]) -> Any:
        if len(value) == 2:
            kind = value.get("_type_")
            if kind is not None and "_data_" in value:
                return self.decoders[kind](value["_data_"])
        return value

    def decode(self, stored: Stored) -> Any:
        if not self.fast:
            return self.mapper.to_domain_event(cast(StoredEvent, stored))
        state = self.json.decode(stored.state.decode("utf8"))
        cls = resolve_topic(stored.topic)
        id_type: Any = type(stored.originator_id)
        state["originator_id"] = find_id_convertor(cls, id_type)(stored.originator_id)
        state["originator_version"] = stored.originator_version
        class_version = getattr(cls, "class_version", 1)
        from_version = state.pop("class_version", 1)
        while from_version < class_version:
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event


def fast_decoder(transcoding: Transcoding) -> Callable[[Any], Any]:
    if transcoding.name == "uuid_hex":
        return fast_uuid
    cls = transcoding.type
    generic = type(transcoding).__qualname__ == "_dataclass_transcoding.<locals>.DataclassAsDict"
    if not (generic and dataclasses.is_dataclass(cls)) or hasattr(cls, "__post_init__"):
        return transcoding.decode
    fields = frozenset(field.name for field in dataclasses.fields(cls))

    def build(data: dict[str, Any]) -> Any:
        """What `cls(**data)` builds (lists as tuples), without a frozen __init__."""
        if data.keys() != fields:
            return transcoding.decode(data)
        for key, item in data.items():
            if type(item) is list:
                data[key] = tuple(item)
        built = object.__new__(cls)
        built.__dict__.update(data)
        return built

    return build


def fast_uuid(data: str) -> UUID:
    built = object.__new__(UUID)
    object.__setattr__(built, "int", int(data, 16))
    object.__setattr__(built, "is_safe", SafeUUID.unknown)
    return built


@contextlib.contextmanager
def relaxed_gc() -> Iterator[None]:
    """A replay allocates millions of short-lived, acyclic objects (decoded events, rows)
    that reference counting frees; the cyclic collector would keep rescanning everything
    the process holds (a third of the replay's time). Park what exists and collect seldom."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(200_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def wanted_topics(projections: Sequence[WantsTopics]) -> tuple[str, ...]:
    """The topics to read; none (read everything) if a projection wants an open-ended set."""
    if any(type(p.topics) is not frozenset for p in projections):
        return ()
    return tuple(sorted(frozenset().union(*(p.topics for p in projections))))
